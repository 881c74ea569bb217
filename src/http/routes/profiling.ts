// /debug/pprof/*, the Node.js counterparts of Go's pprof endpoints. Registered only with
// enable_profiling (everything here is 404 otherwise): a heap snapshot pauses the daemon
// and may hold command lines, so this is for a debugging session, not for production.
import type { FastifyReply } from 'fastify';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { COMMON_ERRORS, errorResponses, sendError } from '../errors.ts';
import { Streamed } from '../streamed.ts';
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

// The guard refuses these to cross-site requests (guard.ts): each may say so.
const ERRORS = errorResponses('cross_site_refused', ...COMMON_ERRORS);

const ProfileQuery = Type.Object({
  seconds: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: MAX_SECONDS,
      default: DEFAULT_SECONDS,
      'x-expect': `a whole number from 1 to ${MAX_SECONDS}`,
    }),
  ),
});

const ProfileIndex = Type.Object({
  profiles: Type.Array(Type.Object({ name: Type.String(), path: Type.String(), description: Type.String() })),
});

const Handles = Type.Object({
  total: Type.Integer(),
  by_type: Type.Record(Type.String(), Type.Integer()),
  handles: Type.Array(
    Type.Object({
      type: Type.String(),
      active: Type.Boolean(),
      referenced: Type.Boolean(),
      fd: Type.Optional(Type.Integer()),
      local: Type.Optional(Type.Unknown()),
      remote: Type.Optional(Type.Unknown()),
    }),
  ),
  socket_connections: Type.Object({ active: Type.Integer(), waiting: Type.Integer() }),
});

const attachmentOf = (description: string) => ({
  200: { description, content: { 'application/json': { schema: Streamed(Type.Object({})) } } },
  ...errorResponses('profile_busy'),
  ...ERRORS,
});

// Long because the four routes share the busy flags and the shutdown signal.
export function profilingRoutes(deps: ProfilingDeps): FastifyPluginCallbackTypebox {
  return (app, _opts, done) => {
    let cpuBusy = false;
    let heapBusy = false;
    // A profile in progress ends early when the daemon shuts down, instead of holding it up.
    const closing = new AbortController();
    app.addHook('preClose', (hookDone) => {
      closing.abort();
      hookDone();
    });

    app.get(
      '/debug/pprof',
      { schema: { summary: 'see /debug/pprof/', response: { 301: { description: 'to /debug/pprof/' }, ...ERRORS } } },
      async (_req, reply) => reply.redirect('/debug/pprof/', 301),
    );
    const indexSchema = {
      summary: 'the profiles on offer',
      response: {
        200: {
          description: 'JSON, or an HTML page for Accept: text/html',
          content: {
            'application/json': { schema: ProfileIndex },
            'text/html; charset=utf-8': { schema: Streamed(Type.String()) },
          },
        },
        ...ERRORS,
      },
    };
    app.get('/debug/pprof/', { schema: indexSchema }, async (req, reply) => {
      if (!(req.headers.accept ?? '').includes('text/html')) return { profiles: [...PROFILES] };
      const items = PROFILES.map((p) => `<li><a href="${p.path}">${p.name}</a> — ${p.description}</li>`).join('\n');
      return reply
        .type('text/html; charset=utf-8')
        .send(
          `<!doctype html>\n<meta charset="utf-8">\n<title>patienced profiling</title>\n<h1>/debug/pprof/</h1>\n<ul>\n${items}\n</ul>\n`,
        );
    });

    const profileSchema = {
      summary: 'a CPU profile (.cpuprofile) over ?seconds=N',
      querystring: ProfileQuery,
      response: {
        ...attachmentOf('a .cpuprofile for Chrome DevTools or speedscope'),
        ...errorResponses('bad_parameter'),
      },
    };
    app.get('/debug/pprof/profile', { schema: profileSchema }, async (req, reply) => {
      const seconds = req.query.seconds ?? DEFAULT_SECONDS;
      if (cpuBusy)
        return sendError(reply, 'profile_busy', 'a CPU profile is already being taken; try again when it is done');
      cpuBusy = true;
      const session = new Session();
      try {
        session.connect();
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
        await sleep(seconds * 1000, closing.signal);
        const { profile } = await session.post('Profiler.stop');
        attachment(reply, `patienced-${stamp(deps.now())}.cpuprofile`);
        return reply.type('application/json').send(JSON.stringify(profile));
      } finally {
        session.disconnect();
        cpuBusy = false;
      }
    });

    const heapSchema = {
      summary: 'a heap snapshot (.heapsnapshot), streamed',
      response: attachmentOf('a .heapsnapshot for the Memory panel of Chrome DevTools'),
    };
    app.get('/debug/pprof/heap', { schema: heapSchema }, async (_req, reply) => {
      if (heapBusy)
        return sendError(reply, 'profile_busy', 'a heap snapshot is already being sent; try again when it is done');
      heapBusy = true;
      const snapshot = v8.getHeapSnapshot();
      snapshot.once('close', () => (heapBusy = false));
      attachment(reply, `patienced-${stamp(deps.now())}.heapsnapshot`);
      return reply.type('application/json').send(snapshot);
    });

    const handlesSchema = {
      summary: "the event loop's active handles and requests",
      response: { 200: Handles, ...ERRORS },
    };
    app.get('/debug/pprof/goroutine', { schema: handlesSchema }, async () => {
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
