// Starts the daemon's parts in order (store, socket ingest, HTTP) and stops them in the
// reverse order: stop ingest, drain, close HTTP, flush and close the store.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { openStore as openStoreDefault, type OpenStoreOptions } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import { Batcher } from '../ingest/batcher.ts';
import { IngestCounters } from '../ingest/counters.ts';
import { IngestServer } from '../ingest/server.ts';
import { buildApp } from '../http/app.ts';
import { RunFeed } from '../http/live/run-feed.ts';
import { RuntimeStats } from './runtime-stats.ts';
import { VERSION } from '../shared/version.ts';
import type { DaemonConfig } from './config/schema.ts';
import { statusControl } from './status-request.ts';
import { createRedactor } from '../shared/redact.ts';
import { applyRedactPattern, compileRedactPatterns } from '../shared/redact-pattern.ts';
import { StorageHealth } from './storage-health.ts';
import { Ledger } from '../coordination/ledger.ts';
import { CoordinationCounters } from '../coordination/counters.ts';

export type DaemonSettings = Pick<
  DaemonConfig,
  | 'socketPath'
  | 'socketMode'
  | 'enableHttp'
  | 'httpHost'
  | 'httpPort'
  | 'maxMetrics'
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
const STALL_WARN_MS = 250;

export async function startDaemon(s: DaemonSettings, deps: RunDeps): Promise<RunningDaemon> {
  const { log } = deps;
  const now = deps.now ?? Date.now;
  const startedAtMs = now();
  let expireError: unknown;
  const store = (deps.openStore ?? openStoreDefault)({
    dataFile: s.dataFile,
    limits: { maxRecords: s.maxMetrics, maxAgeMs: s.metricsMaxAgeMs, maxBytes: s.maxStoreBytes },
    now,
    // A full disk cannot delete either: start anyway, degraded, and let the timer retry.
    onExpireError: (err) => (expireError = err),
  });
  const health = new StorageHealth({ now, log, fileProblem: () => store.fileProblem() });
  if (expireError !== undefined) health.fail('retention', expireError);
  // The host's one rate-limit ledger; with a data file, the grants still inside a window come back.
  const ledger = new Ledger({ maxResources: s.maxRateLimitResources });
  try {
    if (store.grantsSince) for (const g of store.grantsSince(now())) ledger.restore(g, now());
  } catch (err) {
    store.close();
    throw new Error(`data_file ${store.location}: cannot read the rate-limit grants: ${(err as Error).message}`);
  }
  const counters = new IngestCounters();
  const runtime = new RuntimeStats();
  // Never throws: a timer callback that throws ends the process, leaving its socket and
  // pid file behind. A failure is retried at the next tick.
  const cleanup = (): void => {
    try {
      const removed = store.removeExpired(now());
      ledger.prune(now());
      store.removeExpiredGrants?.(now());
      health.ok('retention');
      if (removed > 0) log.debug({ removed }, 'removed expired records');
    } catch (err) {
      health.fail('retention', err);
    }
  };

  const coordinationCounters = new CoordinationCounters();
  // Stored runs for /api/events and /metrics; a failing listener is logged, never fatal.
  const feed = new RunFeed((err) => log.error({ err }, 'a live listener failed'));
  let nearFullWarned = false;
  const batcher = new Batcher({
    store,
    counters,
    now,
    ledger,
    onAcquire: (resourceId, granted) => coordinationCounters.record(resourceId, granted),
    onStored: (runs) => {
      feed.publish(runs);
      if (log.isLevelEnabled('debug')) {
        for (const r of runs)
          log.debug({ id: r.id, command_hash: r.record.command_hash, status: r.record.final_status }, 'record stored');
      }
      const full = store.count() >= s.maxMetrics * 0.9 || store.bytes() >= s.maxStoreBytes * 0.9;
      if (full && !nearFullWarned) {
        log.warn(
          {
            stored: store.count(),
            max_metrics: s.maxMetrics,
            store_bytes: store.bytes(),
            max_store_bytes: s.maxStoreBytes,
          },
          'storage is near max_metrics or max_store_bytes; the oldest records are being dropped',
        );
      }
      nearFullWarned = full;
      health.ok('ingest');
      health.ok('data_file');
    },
    onStoreError: (err) => {
      log.debug({ err }, 'storing records failed; the clients got a storage_error');
      health.fail('ingest', err);
    },
  });
  // Checked when the configuration was read; compiled once here for the per-record path.
  const compiled = compileRedactPatterns(s.redactPatterns);
  if (!compiled.ok) throw new Error(`invalid redact_patterns: ${compiled.reason}`);
  const redact = createRedactor(compiled.patterns.map(applyRedactPattern));
  const ingest = new IngestServer({
    socketPath: s.socketPath,
    socketMode: s.socketMode,
    maxConnections: s.maxConnections,
    maxMessageBytes: s.maxMessageBytes,
    redact,
    batcher,
    counters,
    now,
    log,
    control: statusControl({
      pid: process.pid,
      version: VERSION,
      socketPath: s.socketPath,
      startedAtMs,
      maxMetrics: s.maxMetrics,
      profiling: s.enableHttp && s.enableProfiling,
      httpAddress: () => httpAddress,
      store,
      health,
      now,
      instance: deps.instance,
    }),
  });

  // A close that fails (the last checkpoint on a full disk) must not keep the stop from
  // removing the socket and the pid file; what was acknowledged is in the -wal already.
  const closeStore = (): void => {
    try {
      store.close();
    } catch (err) {
      log.error({ err }, 'closing the store failed');
    }
  };

  let app: FastifyInstance | undefined;
  let httpAddress = '';
  try {
    await ingest.listen();
    if (s.enableHttp) {
      app = buildApp({
        store,
        counters,
        runtime,
        now,
        log,
        feed,
        health,
        profiling: s.enableProfiling,
        ledger,
        coordinationCounters,
        hosts: { bindHost: s.httpHost, allowedHosts: s.allowedHosts },
        info: {
          version: VERSION,
          socketPath: s.socketPath,
          startedAtMs,
          maxMetrics: s.maxMetrics,
          maxAgeMs: s.metricsMaxAgeMs,
          httpAddress: () => httpAddress,
          lastCleanupMs: () => store.lastCleanupMs,
        },
      });
      await app.listen({ host: s.httpHost, port: s.httpPort });
      const addr = app.server.address();
      httpAddress =
        typeof addr === 'object' && addr
          ? `${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`
          : String(addr);
    }
  } catch (err) {
    await ingest.close(0);
    await app?.close();
    runtime.stop();
    closeStore();
    throw err;
  }

  const timers = [
    setInterval(cleanup, deps.cleanupIntervalMs ?? CLEANUP_INTERVAL_MS),
    setInterval(() => {
      const p99 = runtime.takeDelayP99Ms();
      if (p99 > STALL_WARN_MS) log.warn({ event_loop_delay_p99_ms: Math.round(p99) }, 'event loop stalled');
    }, WATCH_INTERVAL_MS),
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
