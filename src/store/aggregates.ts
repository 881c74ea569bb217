// Hourly aggregates shared by both stores, so that stats() costs a merge of ~24 hour
// buckets instead of a scan of every record. The store tells us about every record it
// adds or removes, and summarises a time range for the hours a query only partly covers.

import { HOUR_MS, hourOf, justBelow, type AggRow, type RangeSummarizer } from './agg-input.ts';
import { CommandTotals } from './command-counters.ts';
import { HourBucket } from './hour-bucket.ts';
import { StatsAccumulator } from './stats-accumulator.ts';
import type { StringPool } from './string-pool.ts';
import type { RunStats } from './types.ts';

export class Aggregates {
  private readonly buckets = new Map<number, HourBucket>();
  private readonly commandTotals = new CommandTotals();

  /**
   * @param pool where command names are interned; the memory store passes its own so a
   *   command is held once. Each aggregated run holds one reference.
   * @param summarize the runs in a time range, straight from the store's records.
   */
  constructor(
    private readonly pool: StringPool,
    private readonly summarize: RangeSummarizer,
  ) {}

  add(row: AggRow): void {
    const hour = hourOf(row.timestampMs);
    let bucket = this.buckets.get(hour);
    if (bucket === undefined) this.buckets.set(hour, (bucket = new HourBucket()));
    bucket.add(row, row.commandId === undefined ? this.pool.intern(row.command) : this.pool.retain(row.commandId));
  }

  /** Takes back an earlier add of the same row. */
  remove(row: AggRow): void {
    const hour = hourOf(row.timestampMs);
    const bucket = this.buckets.get(hour);
    const commandId = row.commandId ?? this.pool.idOf(row.command);
    if (bucket === undefined || commandId === undefined)
      throw new Error('aggregates: removing a run that was never added');
    bucket.remove(row, commandId);
    this.pool.release(commandId);
    if (bucket.runs === 0) this.buckets.delete(hour);
  }

  /** Runs whose timestamp lies in [startMs, endMs], both inclusive; `topCommands` defaults to 10. */
  stats(startMs: number, endMs: number, topCommands?: number): RunStats {
    const acc = new StatsAccumulator(this.commandTotals, this.pool, topCommands);
    if (!(startMs <= endMs)) return acc.result(startMs, endMs);
    const first = hourOf(startMs);
    const last = hourOf(endMs);
    const hours: number[] = [];
    for (const h of this.buckets.keys()) if (h >= first && h <= last) hours.push(h);
    hours.sort((a, b) => a - b);
    try {
      for (const h of hours) {
        const bucket = this.buckets.get(h);
        if (bucket === undefined) continue;
        const hourStart = h * HOUR_MS;
        const hourEnd = justBelow((h + 1) * HOUR_MS);
        const inside = h > first && h < last;
        // An inner hour is whole by its position; it only needs exact extremes.
        if (inside && bucket.stale) bucket.refresh(this.summarize(hourStart, hourEnd));
        if (!inside && !bucket.stale && (bucket.maxTs < startMs || bucket.minTs > endMs)) continue;
        acc.openHour(h);
        if (inside || (!bucket.stale && bucket.minTs >= startMs && bucket.maxTs <= endMs)) {
          acc.addBucket(bucket);
        } else {
          // An edge hour that is partly covered, or whose extremes are loose after a
          // removal: its runs in range are summarised exactly, which a refresh would also cost.
          acc.addSummary(this.summarize(Math.max(startMs, hourStart), Math.min(endMs, hourEnd)));
        }
        acc.closeHour();
      }
      return acc.result(startMs, endMs);
    } finally {
      this.commandTotals.reset();
    }
  }
}
