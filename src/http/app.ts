// The HTTP API as a fastify instance built from its dependencies. It never listens by
// itself: the daemon does that, and tests use inject() or a real port.
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { validatorCompiler } from './validator.ts';
import Format from 'typebox/format';
import type { Store } from '../store/types.ts';
import type { IngestCounters } from '../ingest/counters.ts';
import type { RuntimeStats } from '../daemon/runtime-stats.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { daemonRoutes } from './routes/daemon.ts';
import { dashboardRoutes } from './routes/dashboard.ts';
import { eventRoutes } from './routes/events.ts';
import { prometheusRoutes } from './routes/prometheus.ts';
import { createPrometheus } from './prometheus.ts';
import { EventStreams } from './live/event-streams.ts';
import type { RunFeed } from './live/run-feed.ts';
import { profilingRoutes } from './routes/profiling.ts';
import { coordinationRoutes } from './routes/coordination.ts';
import { Ledger } from '../coordination/ledger.ts';
import { CoordinationCounters } from '../coordination/counters.ts';
import { requestGuard } from './guard.ts';
import type { StorageHealth } from '../daemon/storage-health.ts';
import { describeStorageError, isStorageError } from '../store/storage-error.ts';
import { parseRfc3339 } from '../shared/rfc3339.ts';
import { BadRequest, describeQueryError, parseQuery } from './params.ts';
import { errorBody, sendError } from './errors.ts';
import { answerClientError, answerRouterError } from './client-errors.ts';
import { openApiRoutes, registerOpenApi } from './routes/openapi.ts';

// The schemas' date-time is the strict one of the whole project: the calendar day must exist.
Format.Set('date-time', (v) => parseRfc3339(v).ok);

export interface DaemonInfo {
  version: string;
  socketPath: string;
  startedAtMs: number;
  maxAgeMs: number;
  /** "host:port" once listening. */
  httpAddress: () => string;
  lastCleanupMs: () => number | undefined;
}

export interface AppDeps {
  store: Store;
  counters: IngestCounters;
  runtime: RuntimeStats;
  info: DaemonInfo;
  now: () => number;
  log: FastifyBaseLogger;
  /** Every stored batch, as committed: feeds /api/events and the /metrics counters. */
  feed: RunFeed;
  /** Storage faults for /api/health; failed queries are reported to it. */
  health: StorageHealth;
  /** enable_profiling: serve /debug/pprof/*; otherwise those paths are 404. */
  profiling?: boolean;
  /** http_host and allowed_hosts: which Host names are served (see guard.ts). */
  hosts: { bindHost: string; allowedHosts: readonly string[] };
  /** The host's rate-limit ledger (an empty one when absent). */
  ledger?: Ledger;
  /** Grants and refusals by resource, for /metrics. */
  coordinationCounters?: CoordinationCounters;
  /** Where the dashboard's files are (default: web/ beside the bundle; see routes/dashboard.ts). */
  webRoot?: string;
}

/**
 * Answers are written with JSON.stringify, not with serialisers compiled from the response
 * schemas: those drop what a schema does not list and coerce types, and were slower here
 * (1000 runs of /api/metrics/recent). The schemas type the handlers, document the API
 * (/api/openapi.json), and the route tests check real answers against them.
 */
const serializeJson = (data: unknown): string => JSON.stringify(data);

/** The app with its routes typed from their schemas. */
export type App = ReturnType<typeof createFastify>;

function createFastify(log: FastifyBaseLogger) {
  return Fastify({
    loggerInstance: log,
    // Requests are logged at debug by the onResponse hook below, not at info.
    logController: new LogController({ disableRequestLogging: true }),
    // The API takes no request bodies.
    bodyLimit: 1024,
    routerOptions: { querystringParser: parseQuery },
    clientErrorHandler: answerClientError,
    frameworkErrors: answerRouterError,
  })
    .withTypeProvider<TypeBoxTypeProvider>()
    .setValidatorCompiler(validatorCompiler)
    .setSerializerCompiler(() => serializeJson);
}

export function buildApp(deps: AppDeps): App {
  const app = createFastify(deps.log);
  const unrouted = unroutedReply(app);
  app.addHook('onResponse', (req, reply, done) => {
    req.log.debug(
      { method: req.method, url: req.url, status: reply.statusCode, ms: reply.elapsedTime },
      'http request',
    );
    // A query answered again means reading works again.
    if (reply.statusCode < 300 && req.url.startsWith('/api/metrics/')) deps.health.ok('reads');
    done();
  });
  app.setErrorHandler(errorReply(deps));
  // Before anything else: a refused Host or cross-site request learns nothing, not even a 404.
  app.addHook('onRequest', requestGuard({ ...deps.hosts, log: deps.log }));
  app.addHook('onRequest', (req, reply, done) => {
    if (req.is404) unrouted(req, reply);
    else done();
  });
  app.setNotFoundHandler(unrouted);

  registerOpenApi(app, deps.info.version);
  app.register(openApiRoutes(app));
  app.register(metricsRoutes(deps));
  const streams = new EventStreams(deps.feed);
  app.register(daemonRoutes(deps, streams));
  app.register(eventRoutes(streams));
  const ledger = deps.ledger ?? new Ledger();
  const coordination = { ledger, counters: deps.coordinationCounters ?? new CoordinationCounters() };
  app.register(prometheusRoutes(createPrometheus({ ...deps, streams, coordination, version: deps.info.version })));
  app.register(dashboardRoutes(deps.log, deps.webRoot));
  app.register(coordinationRoutes(ledger, deps.now));
  if (deps.profiling) app.register(profilingRoutes(deps));
  return app;
}

/**
 * app.listen without fastify's own "Server listening at …" line: the daemon says where it
 * listens in its one start-up line (foreground.ts), and fastify has no option to leave its
 * line out. fastify logs through a child of the daemon's logger, so lowering that child's
 * level for the listen alone silences nothing else; warnings and errors still show.
 */
export async function listenQuietly(app: App, options: { host: string; port: number }): Promise<void> {
  const level = app.log.level;
  if (level === 'trace' || level === 'debug' || level === 'info') app.log.level = 'warn';
  try {
    await app.listen(options);
  } finally {
    app.log.level = level;
  }
}

/**
 * 404 and 405, said before any body is read: a DELETE with a JSON content type and no body
 * is a wrong method (405), not an empty-body error (400). Learns each route's methods as
 * they are added.
 */
function unroutedReply(app: App): (req: FastifyRequest, reply: FastifyReply) => void {
  const allowed = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const set = allowed.get(route.url) ?? new Set<string>();
    for (const m of methods) set.add(m);
    allowed.set(route.url, set);
  });
  return (req, reply) => {
    const path = req.url.split('?')[0] ?? req.url;
    const methods = allowed.get(path);
    if (methods && !methods.has(req.method)) {
      void sendError(
        reply.header('Allow', [...methods].sort().join(', ')),
        'method_not_allowed',
        `method ${req.method} not allowed on ${path}`,
      );
      return;
    }
    void sendError(reply, 'not_found', `no such endpoint: ${path}`);
  };
}

/**
 * Storage errors are 503 (and degrade health); a bad query parameter is 400 naming it; other
 * 4xx keep their status; the rest are 500.
 */
function errorReply(deps: AppDeps): (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => void {
  return (err, req, reply) => {
    if (isStorageError(err)) {
      // Not a bug but the disk: say so, and that it may pass, rather than a bare 500.
      deps.health.fail('reads', err);
      const text = `storage_error: reading the stored records failed: ${describeStorageError(err)}`;
      void reply.header('Retry-After', '30').code(503).send(errorBody('storage_unavailable', text));
      return;
    }
    if (err.validation && err.validationContext === 'querystring') {
      const schema = req.routeOptions.schema?.querystring as { properties?: Record<string, object> } | undefined;
      const { field, message } = describeQueryError(err.validation, req.query, schema?.properties ?? {});
      void sendError(reply, 'bad_parameter', message, field);
      return;
    }
    if (err instanceof BadRequest) {
      void sendError(reply, 'bad_parameter', err.message, err.field);
      return;
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      deps.log.error({ err }, 'http handler failed');
      void sendError(reply, 'internal', 'internal error');
      return;
    }
    void reply.code(status).send(errorBody('bad_request', err.message));
  };
}
