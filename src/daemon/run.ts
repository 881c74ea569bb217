// Starts the daemon's parts in order (store, socket ingest, HTTP) and stops them in the
// reverse order: stop ingest, drain, close HTTP, flush and close the store.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { openStore as openStoreDefault, type OpenStoreOptions } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import { Batcher } from '../ingest/batcher.ts';
import { commitDelayFor } from '../ingest/commit-delay.ts';
import { IngestCounters } from '../ingest/counters.ts';
import { IngestServer } from '../ingest/server.ts';
import { buildApp, listenQuietly } from '../http/app.ts';
import { RunFeed } from '../http/live/run-feed.ts';
import { RuntimeStats } from './runtime-stats.ts';
import { VERSION } from '../shared/version.ts';
import type { DaemonConfig } from './config/schema.ts';
import { statusControl } from './status-request.ts';
import { createRedactor, type Redact } from '../shared/redact.ts';
import { rememberClean } from '../shared/clean-texts.ts';
import { applyRedactPattern, compileRedactPatterns } from '../shared/redact-pattern.ts';
import { StorageHealth } from './storage-health.ts';
import { Ledger } from '../coordination/ledger.ts';
import { CoordinationCounters } from '../coordination/counters.ts';
import { retentionTick, stallWatch, storedListener } from './upkeep.ts';

export type DaemonSettings = Pick<
  DaemonConfig,
  | 'socketPath'
  | 'socketMode'
  | 'enableHttp'
  | 'httpHost'
  | 'httpPort'
  | 'maxRecords'
  | 'metricsMaxAgeMs'
  | 'dataFile'
  | 'maxConnections'
  | 'maxMessageBytes'
  | 'maxStoreBytes'
  | 'enableProfiling'
  | 'redactPatterns'
  | 'allowedHosts'
  | 'maxRateLimitResources'
>;

export interface RunningDaemon {
  /** "host:port", or "" when HTTP is disabled. */
  httpAddress: string;
  store: Store;
  counters: IngestCounters;
  health: StorageHealth;
  /** Idempotent, ordered shutdown. */
  stop(): Promise<void>;
}

export interface RunDeps {
  log: Logger;
  now?: () => number;
  /** How often retention runs; tests shorten it. */
  cleanupIntervalMs?: number;
  /** Tests put a store in that fails on demand. */
  openStore?: (options: OpenStoreOptions) => Store;
  /** The pid file's instance token, said in the socket's status answer (control.ts checks it). */
  instance?: string;
}

const DRAIN_MS = 5000;
const CLEANUP_INTERVAL_MS = 30_000;
const WATCH_INTERVAL_MS = 10_000;

/** The parts every piece of the daemon shares, made once in startServices. */
interface Parts {
  store: Store;
  health: StorageHealth;
  ledger: Ledger;
  counters: IngestCounters;
  coordinationCounters: CoordinationCounters;
  runtime: RuntimeStats;
  feed: RunFeed;
  log: Logger;
  now: () => number;
  startedAtMs: number;
  /** "host:port" once HTTP listens, "" before and without it. */
  httpAddress: () => string;
}

export async function startServices(s: DaemonSettings, deps: RunDeps): Promise<RunningDaemon> {
  const { log } = deps;
  const now = deps.now ?? Date.now;
  const startedAtMs = now();
  let httpAddress = '';
  const parts: Parts = {
    ...openStorage(s, deps, now),
    counters: new IngestCounters(),
    coordinationCounters: new CoordinationCounters(),
    runtime: new RuntimeStats(),
    // Stored runs for /api/events and /metrics; a failing listener is logged, never fatal.
    feed: new RunFeed((err) => log.error({ err }, 'a live listener failed')),
    log,
    now,
    startedAtMs,
    httpAddress: () => httpAddress,
  };
  const { store, health, ledger, counters, runtime } = parts;
  const ingest = ingestServer(s, parts, deps.instance);
  const closeStore = storeCloser(store, log);
  let app: FastifyInstance | undefined;
  try {
    await ingest.listen();
    if (s.enableHttp) {
      app = httpApp(s, parts);
      httpAddress = await listenHttp(app, s);
    }
  } catch (err) {
    await ingest.close(0);
    await app?.close();
    runtime.stop();
    closeStore();
    throw err;
  }

  const timers = [
    setInterval(retentionTick(store, ledger, health, log, now), deps.cleanupIntervalMs ?? CLEANUP_INTERVAL_MS),
    setInterval(stallWatch(runtime, log), WATCH_INTERVAL_MS),
  ];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      for (const t of timers) clearInterval(t);
      await ingest.close(DRAIN_MS);
      await app?.close();
      runtime.stop();
      closeStore();
    })();
    return stopping;
  };
  return { httpAddress, store, counters, health, stop };
}

/** The socket: its batcher (group commit into the store) and the status answer. */
function ingestServer(s: DaemonSettings, parts: Parts, instance: string | undefined): IngestServer {
  const { store, counters, now, log, health, coordinationCounters } = parts;
  // The server is built below with the batcher; the delay asks it only once documents flow.
  let server: IngestServer | undefined;
  const batcher = new Batcher({
    store,
    counters,
    now,
    ledger: parts.ledger,
    onAcquire: (resourceId, granted) => coordinationCounters.record(resourceId, granted),
    onStored: storedListener(store, health, parts.feed, log),
    onStoreError: (err) => {
      log.debug({ err }, 'storing records failed; the clients got a storage_error');
      health.fail('ingest', err);
    },
    // A data file: a small batch may wait for company rather than take an fsync of its own.
    commitDelay: commitDelayFor(store, () => server?.expectedDocuments() ?? 0),
  });
  server = new IngestServer({
    socketPath: s.socketPath,
    socketMode: s.socketMode,
    maxConnections: s.maxConnections,
    maxMessageBytes: s.maxMessageBytes,
    redact: redactorOf(s.redactPatterns),
    batcher,
    counters,
    now,
    log,
    control: statusControl({
      pid: process.pid,
      version: VERSION,
      socketPath: s.socketPath,
      startedAtMs: parts.startedAtMs,
      profiling: s.enableHttp && s.enableProfiling,
      httpAddress: parts.httpAddress,
      store,
      health,
      now,
      instance,
    }),
  });
  return server;
}

/** The fastify app (not listening yet). */
function httpApp(s: DaemonSettings, parts: Parts): FastifyInstance {
  const { store } = parts;
  return buildApp({
    store,
    counters: parts.counters,
    runtime: parts.runtime,
    now: parts.now,
    log: parts.log,
    feed: parts.feed,
    health: parts.health,
    profiling: s.enableProfiling,
    ledger: parts.ledger,
    coordinationCounters: parts.coordinationCounters,
    hosts: { bindHost: s.httpHost, allowedHosts: s.allowedHosts },
    info: {
      version: VERSION,
      socketPath: s.socketPath,
      startedAtMs: parts.startedAtMs,
      maxAgeMs: s.metricsMaxAgeMs,
      httpAddress: parts.httpAddress,
      lastCleanupMs: () => store.lastCleanupMs,
    },
  });
}

/**
 * The store, its health, and the host's one rate-limit ledger; with a data file, the grants
 * still inside a window come back.
 */
function openStorage(
  s: DaemonSettings,
  deps: RunDeps,
  now: () => number,
): { store: Store; health: StorageHealth; ledger: Ledger } {
  let expireError: unknown;
  const store = (deps.openStore ?? openStoreDefault)({
    dataFile: s.dataFile,
    limits: { maxRecords: s.maxRecords, maxAgeMs: s.metricsMaxAgeMs, maxBytes: s.maxStoreBytes },
    now,
    // A full disk cannot delete either: start anyway, degraded, and let the timer retry.
    onExpireError: (err) => (expireError = err),
  });
  const health = new StorageHealth({ now, log: deps.log, fileProblem: () => store.fileProblem() });
  if (expireError !== undefined) health.fail('retention', expireError);
  const ledger = new Ledger({ maxResources: s.maxRateLimitResources });
  try {
    if (store.grantsSince) for (const g of store.grantsSince(now())) ledger.restore(g, now());
  } catch (err) {
    store.close();
    throw new Error(`data_file ${store.location}: cannot read the rate-limit grants: ${(err as Error).message}`);
  }
  return { store, health, ledger };
}

/** Checked when the configuration was read; compiled once here for the per-record path. */
function redactorOf(patterns: DaemonSettings['redactPatterns']): Redact {
  const compiled = compileRedactPatterns(patterns);
  if (!compiled.ok) throw new Error(`invalid redact_patterns: ${compiled.reason}`);
  return rememberClean(createRedactor(compiled.patterns.map(applyRedactPattern)));
}

/**
 * A close that fails (the last checkpoint on a full disk) must not keep the stop from
 * removing the socket and the pid file; what was acknowledged is in the -wal already.
 */
function storeCloser(store: Store, log: Logger): () => void {
  return () => {
    try {
      store.close();
    } catch (err) {
      log.error({ err }, 'closing the store failed');
    }
  };
}

/** Listens on the configured host and port; returns the bound address as "host:port". */
async function listenHttp(app: FastifyInstance, s: DaemonSettings): Promise<string> {
  await listenQuietly(app, { host: s.httpHost, port: s.httpPort });
  const addr = app.server.address();
  return typeof addr === 'object' && addr
    ? `${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`
    : String(addr);
}
