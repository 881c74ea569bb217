// /debug/pprof/*, the Node.js counterparts of Go's pprof endpoints. Registered only with
// enable_profiling (everything here is 404 otherwise): a heap snapshot pauses the daemon
// and may hold command lines, so this is for a debugging session, not for production.
import type { FastifyInstance, FastifyPluginCallback, FastifyReply } from 'fastify';
import { Session } from 'node:inspector/promises';
import v8 from 'node:v8';
import type { IngestCounters } from '../../ingest/counters.ts';

export interface ProfilingDeps {
  counters: Pick<IngestCounters, 'connectionsActive' | 'connectionsWaiting'>;
  now: () => number;
}

const DEFAULT_SECONDS = 30;
const MAX_SECONDS = 60;

const PROFILES = [
  {
    name: 'profile',
    path: '/debug/pprof/profile?seconds=30',
    description: `CPU profile over ?seconds=N (1..${MAX_SECONDS}, default ${DEFAULT_SECONDS}): a .cpuprofile for Chrome DevTools or speedscope; one at a time`,
  },
  {
    name: 'heap',
    path: '/debug/pprof/heap',
    description:
      'heap snapshot (.heapsnapshot) for the Memory panel of Chrome DevTools; the daemon pauses while it is taken',
  },
  {
    name: 'goroutine',
    path: '/debug/pprof/goroutine',
    description: "what Go's goroutine list is to Node.js: the event loop's active handles and requests, by type",
  },
] as const;

export function profilingRoutes(deps: ProfilingDeps): FastifyPluginCallback {
  return (app, _opts, done) => {
    // A profile in progress ends early when the daemon shuts down, instead of holding it up.
    const closing = new AbortController();
    app.addHook('preClose', (hookDone) => {
      closing.abort();
      hookDone();
    });
    indexRoutes(app);
    cpuProfileRoute(app, deps, closing.signal);
    heapSnapshotRoute(app, deps);
    app.get('/debug/pprof/goroutine', async () => {
      const resources = process.getActiveResourcesInfo();
      const byType: Record<string, number> = {};
      for (const r of resources) byType[r] = (byType[r] ?? 0) + 1;
      return {
        total: resources.length,
        by_type: byType,
        handles: libuvHandles(),
        socket_connections: { active: deps.counters.connectionsActive, waiting: deps.counters.connectionsWaiting },
      };
    });
    done();
  };
}

/** /debug/pprof/: the list of profiles, as JSON or (for a browser) HTML. */
function indexRoutes(app: FastifyInstance): void {
  app.get('/debug/pprof', async (_req, reply) => reply.redirect('/debug/pprof/', 301));
  app.get('/debug/pprof/', async (req, reply) => {
    if (!(req.headers.accept ?? '').includes('text/html')) return { profiles: PROFILES };
    const items = PROFILES.map((p) => `<li><a href="${p.path}">${p.name}</a> — ${p.description}</li>`).join('\n');
    return reply
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html>\n<meta charset="utf-8">\n<title>patienced profiling</title>\n<h1>/debug/pprof/</h1>\n<ul>\n${items}\n</ul>\n`,
      );
  });
}

/** A CPU profile of `seconds`, one at a time. */
function cpuProfileRoute(app: FastifyInstance, deps: ProfilingDeps, closing: AbortSignal): void {
  let cpuBusy = false;
  app.get('/debug/pprof/profile', async (req, reply) => {
    const seconds = parseSeconds((req.query as Record<string, unknown>)['seconds']);
    if (typeof seconds === 'string') return reply.code(400).send({ error: seconds });
    if (cpuBusy)
      return reply.code(409).send({ error: 'a CPU profile is already being taken; try again when it is done' });
    cpuBusy = true;
    const session = new Session();
    try {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      await sleep(seconds * 1000, closing);
      const { profile } = await session.post('Profiler.stop');
      attachment(reply, `patienced-${stamp(deps.now())}.cpuprofile`);
      return reply.type('application/json').send(JSON.stringify(profile));
    } finally {
      session.disconnect();
      cpuBusy = false;
    }
  });
}

/** A heap snapshot, streamed; one at a time. */
function heapSnapshotRoute(app: FastifyInstance, deps: ProfilingDeps): void {
  let heapBusy = false;
  app.get('/debug/pprof/heap', async (_req, reply) => {
    if (heapBusy)
      return reply.code(409).send({ error: 'a heap snapshot is already being sent; try again when it is done' });
    heapBusy = true;
    const snapshot = v8.getHeapSnapshot();
    snapshot.once('close', () => (heapBusy = false));
    attachment(reply, `patienced-${stamp(deps.now())}.heapsnapshot`);
    return reply.type('application/json').send(snapshot);
  });
}

/** The seconds parameter, or an error message naming it. */
export function parseSeconds(raw: unknown): number | string {
  if (raw === undefined) return DEFAULT_SECONDS;
  const n = typeof raw === 'string' && /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (n >= 1 && n <= MAX_SECONDS) return n;
  return `seconds: must be a whole number from 1 to ${MAX_SECONDS}, got ${JSON.stringify(raw)}`;
}

function attachment(reply: FastifyReply, filename: string): void {
  reply.header('Content-Disposition', `attachment; filename="${filename}"`);
}

/** 20261126-164800, for file names. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

interface HandleInfo {
  type: string;
  active: boolean;
  referenced: boolean;
  fd?: number;
  local?: unknown;
  remote?: unknown;
}

/** libuv's handles from the diagnostic report (without reverse DNS look-ups). */
function libuvHandles(): HandleInfo[] {
  const report = process.report as typeof process.report & { excludeNetwork?: boolean };
  const before = report.excludeNetwork;
  const toggle = typeof before === 'boolean';
  if (toggle) report.excludeNetwork = true;
  let libuv: unknown;
  try {
    libuv = (report.getReport() as { libuv?: unknown }).libuv;
  } finally {
    if (toggle) report.excludeNetwork = before;
  }
  if (!Array.isArray(libuv)) return [];
  const out: HandleInfo[] = [];
  for (const h of libuv as Array<Record<string, unknown>>) {
    if (typeof h.type !== 'string' || h.type === 'loop') continue;
    const info: HandleInfo = { type: h.type, active: h.is_active === true, referenced: h.is_referenced === true };
    if (typeof h.fd === 'number') info.fd = h.fd;
    if (h.localEndpoint != null) info.local = h.localEndpoint;
    if (h.remoteEndpoint != null) info.remote = h.remoteEndpoint;
    out.push(info);
  }
  return out;
}
