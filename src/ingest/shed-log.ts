// Load shedding is loud three ways: the client is told (an error line with its code), the
// counters count it (/api/daemon/stats, /metrics), and the log says so at warn level. The
// log line comes at most once per interval and carries the counts since the previous one
// (and, after the first, interval_ms: the time since it), so that a flood of refused connections cannot flood the log. The server's sweep calls
// tick() and keeps running until everything shed has been logged.
import type { Logger } from 'pino';
import type { IngestCounters, RejectReason } from './counters.ts';

/** The refusals that mean every connection slot was taken. */
export const SHED_REASONS = [
  'too_many_connections',
  'waiting_timeout',
  'shed_stale',
] as const satisfies readonly RejectReason[];
export type ShedReason = (typeof SHED_REASONS)[number];

export const SHED_LOG_INTERVAL_MS = 1000;

export class ShedLog {
  /** The counts at the last line written. */
  private logged: Record<ShedReason, number>;
  private lastLineAt = -Infinity;

  constructor(
    private readonly counters: IngestCounters,
    private readonly log: Logger,
    private readonly maxConnections: number,
    private readonly intervalMs = SHED_LOG_INTERVAL_MS,
  ) {
    this.logged = this.current();
  }

  /** Refusals not yet in a log line. */
  get unlogged(): number {
    let n = 0;
    for (const r of SHED_REASONS) n += this.counters.rejected[r] - this.logged[r];
    return n;
  }

  /** Writes one warn line with what was shed since the last, unless the last was under intervalMs ago. */
  tick(now: number, waiting: number): void {
    if (this.unlogged === 0 || now - this.lastLineAt < this.intervalMs) return;
    const counts = this.current();
    const shed: Partial<Record<ShedReason, number>> = {};
    for (const r of SHED_REASONS) if (counts[r] > this.logged[r]) shed[r] = counts[r] - this.logged[r];
    // interval_ms: since the previous line, by the clock the interval is kept by (the
    // line's own time is stamped after the rest of the sweep's work).
    const interval = this.lastLineAt === -Infinity ? {} : { interval_ms: Math.round(now - this.lastLineAt) };
    this.log.warn(
      { ...shed, max_connections: this.maxConnections, waiting, ...interval },
      'shedding load: every max_connections slot is taken, connections refused (each client was told why)',
    );
    this.logged = counts;
    this.lastLineAt = now;
  }

  private current(): Record<ShedReason, number> {
    const { rejected } = this.counters;
    return {
      too_many_connections: rejected.too_many_connections,
      waiting_timeout: rejected.waiting_timeout,
      shed_stale: rejected.shed_stale,
    };
  }
}
