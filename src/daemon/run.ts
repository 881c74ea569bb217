// Starts the daemon's parts in order (store, socket ingest, HTTP) and stops them in the
// reverse order: stop ingest, drain, close HTTP, flush and close the store.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { openStore } from '../store/index.ts';
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
  | 'enableProfiling'
>;

export interface RunningDaemon {
  /** "host:port", or "" when HTTP is disabled. */
  httpAddress: string;
  store: Store;
  counters: IngestCounters;
  /** Idempotent, ordered shutdown. */
  stop(): Promise<void>;
}

export interface RunDeps {
  log: Logger;
  now?: () => number;
}

const DRAIN_MS = 5000;
const CLEANUP_INTERVAL_MS = 30_000;
const WATCH_INTERVAL_MS = 10_000;
const STALL_WARN_MS = 250;

export async function startDaemon(s: DaemonSettings, deps: RunDeps): Promise<RunningDaemon> {
  const { log } = deps;
  const now = deps.now ?? Date.now;
  const startedAtMs = now();
  const store = openStore({ dataFile: s.dataFile, limits: { maxRecords: s.maxMetrics, maxAgeMs: s.metricsMaxAgeMs }, now });
  const counters = new IngestCounters();
  const runtime = new RuntimeStats();
  const cleanup = (): void => {
    const removed = store.removeExpired(now());
    if (removed > 0) log.debug({ removed }, 'removed expired records');
  };

  // Stored runs for /api/events and /metrics; a failing listener is logged, never fatal.
  const feed = new RunFeed((err) => log.error({ err }, 'a live listener failed'));
  let nearFullWarned = false;
  const batcher = new Batcher({
    store,
    counters,
    now,
    onStored: (runs) => {
      feed.publish(runs);
      if (log.isLevelEnabled('debug')) {
        for (const r of runs) log.debug({ id: r.id, command_hash: r.record.command_hash, status: r.record.final_status }, 'record stored');
      }
      const full = store.count() >= s.maxMetrics * 0.9;
      if (full && !nearFullWarned) log.warn({ stored: store.count(), max_metrics: s.maxMetrics }, 'storage is near max_metrics; the oldest records are being dropped');
      nearFullWarned = full;
    },
    onStoreError: (err) => log.error({ err }, 'storing records failed; the clients got an error'),
  });
  const ingest = new IngestServer({
    socketPath: s.socketPath,
    socketMode: s.socketMode,
    maxConnections: s.maxConnections,
    maxMessageBytes: s.maxMessageBytes,
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
      now,
    }),
  });

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
        profiling: s.enableProfiling,
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
      httpAddress = typeof addr === 'object' && addr ? `${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}` : String(addr);
    }
  } catch (err) {
    await ingest.close(0);
    await app?.close();
    runtime.stop();
    store.close();
    throw err;
  }

  const timers = [
    setInterval(cleanup, CLEANUP_INTERVAL_MS),
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
      store.close();
    })();
    return stopping;
  };
  return { httpAddress, store, counters, stop };
}
