// What runs beside the traffic: the retention timer, the event-loop stall watch, and the
// work after each stored batch (run feed, near-full warning, storage health).
import type { Logger } from 'pino';
import type { Store, StoredRun } from '../store/types.ts';
import type { Ledger } from '../coordination/ledger.ts';
import type { RunFeed } from '../http/live/run-feed.ts';
import type { RuntimeStats } from './runtime-stats.ts';
import type { StorageHealth } from './storage-health.ts';

/** How late the event loop's p99 may run past its sampling interval before a warning. */
const STALL_LATE_MS = 230;

/**
 * After each stored batch: publish it to the run feed, log it at debug level, warn once each
 * time the store comes near its limits (max_metrics is limits.maxRecords, max_store_bytes
 * limits.maxBytes), and mark storage healthy.
 */
export function storedListener(
  store: Store,
  health: StorageHealth,
  feed: RunFeed,
  log: Logger,
): (runs: readonly StoredRun[]) => void {
  const { maxRecords, maxBytes = Infinity } = store.limits;
  let nearFullWarned = false;
  return (runs) => {
    feed.publish(runs);
    if (log.isLevelEnabled('debug')) {
      for (const r of runs)
        log.debug({ id: r.id, command_hash: r.record.command_hash, status: r.record.final_status }, 'record stored');
    }
    const full = store.count() >= maxRecords * 0.9 || store.bytes() >= maxBytes * 0.9;
    if (full && !nearFullWarned) {
      log.warn(
        {
          stored: store.count(),
          max_metrics: maxRecords,
          store_bytes: store.bytes(),
          max_store_bytes: maxBytes,
        },
        'storage is near max_metrics or max_store_bytes; the oldest records are being dropped',
      );
    }
    nearFullWarned = full;
    health.ok('ingest');
    health.ok('data_file');
  };
}

/**
 * The retention timer's callback. Never throws: a timer callback that throws ends the
 * process, leaving its socket and pid file behind. A failure is retried at the next tick.
 */
export function retentionTick(
  store: Store,
  ledger: Ledger,
  health: StorageHealth,
  log: Logger,
  now: () => number,
): () => void {
  return () => {
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
}

/**
 * Warns when the event loop's delay p99 since the last look (ms late past the sampling
 * interval) is over STALL_LATE_MS (a p99 over 250 ms when the interval was 20 ms).
 */
export function stallWatch(runtime: RuntimeStats, log: Logger): () => void {
  return () => {
    const p99 = runtime.takeDelayP99Ms();
    if (p99 > STALL_LATE_MS) log.warn({ event_loop_delay_p99_ms: Math.round(p99) }, 'event loop stalled');
  };
}
