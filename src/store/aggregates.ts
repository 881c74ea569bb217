// Hourly aggregates shared by both stores, so that stats() costs a merge of ~24 hour
// buckets instead of a scan of every record. The store tells us about every record it
// adds or removes, and summarises a time range for the hours a query only partly covers.

import {
  HOUR_MS,
  hourOf,
  justBelow,
  type AggRow,
  type HourSummarizer,
  type RangeSummarizer,
  type RangeSummary,
} from './agg-input.ts';
import { CommandTotals } from './command-counters.ts';
import { CommandMatch } from './command-match.ts';
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
   * @param summarizeHours a command filter's runs, per hour, straight from the store's records.
   */
  constructor(
    private readonly pool: StringPool,
    private readonly summarize: RangeSummarizer,
    private readonly summarizeHours: HourSummarizer,
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

  /**
   * Runs whose timestamp lies in [startMs, endMs], both inclusive; `topCommands` defaults to
   * 10. With `command`, only the runs whose command contains it (command-match.ts).
   */
  stats(startMs: number, endMs: number, topCommands?: number, command?: string): RunStats {
    const acc = new StatsAccumulator(this.commandTotals, this.pool, topCommands);
    if (!(startMs <= endMs)) return acc.result(startMs, endMs);
    try {
      if (command === undefined) this.mergeAll(acc, startMs, endMs);
      else this.mergeMatching(acc, startMs, endMs, new CommandMatch(command, this.pool));
      return acc.result(startMs, endMs);
    } finally {
      this.commandTotals.reset();
    }
  }

  private mergeAll(acc: StatsAccumulator, startMs: number, endMs: number): void {
    const first = hourOf(startMs);
    const last = hourOf(endMs);
    for (const h of this.hoursBetween(first, last)) {
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
  }

  /**
   * The merge with a command filter. The buckets keep per-command counts but no per-command
   * histogram, attempts or extremes, so only an hour whose every command passes (and that
   * the unfiltered merge would take whole) is taken from its bucket; an hour with none is
   * skipped; the others, edge hours included, are summarised from the matching runs, all
   * in one pass of the store (hour-parts.ts). A filter every command passes thus merges
   * exactly as mergeAll does.
   */
  private mergeMatching(acc: StatsAccumulator, startMs: number, endMs: number, match: CommandMatch): void {
    const first = hourOf(startMs);
    const last = hourOf(endMs);
    /** Per hour to merge: its bucket, or undefined for the next of the store's summaries. */
    const plan: Array<[number, HourBucket | undefined]> = [];
    const partHours: number[] = [];
    for (const h of this.hoursBetween(first, last)) {
      const bucket = this.buckets.get(h);
      if (bucket === undefined) continue;
      const inside = h > first && h < last;
      if (!inside && !bucket.stale && (bucket.maxTs < startMs || bucket.minTs > endMs)) continue;
      const matching = bucket.commands.countMatching(match.test);
      if (matching === 0) continue;
      const every = matching === bucket.commands.distinct;
      if (every && inside && bucket.stale) bucket.refresh(this.summarize(h * HOUR_MS, justBelow((h + 1) * HOUR_MS)));
      if (every && (inside || (!bucket.stale && bucket.minTs >= startMs && bucket.maxTs <= endMs))) {
        plan.push([h, bucket]);
      } else {
        plan.push([h, undefined]);
        partHours.push(h);
      }
    }
    const parts = partHours.length === 0 ? [] : this.summarizeHours(startMs, endMs, match.wanted, partHours);
    let next = 0;
    for (const [h, bucket] of plan) {
      acc.openHour(h);
      if (bucket !== undefined) acc.addBucket(bucket);
      else acc.addSummary(parts[next++] ?? NO_RUNS);
      acc.closeHour();
    }
  }

  /** The hours in [first, last] that have a bucket, ascending. */
  private hoursBetween(first: number, last: number): number[] {
    const hours: number[] = [];
    for (const h of this.buckets.keys()) if (h >= first && h <= last) hours.push(h);
    return hours.sort((a, b) => a - b);
  }
}

const NO_RUNS: RangeSummary = { commands: [], durations: [], minTs: Infinity, maxTs: -Infinity };
