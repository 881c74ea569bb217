// What the aggregates need from the stores: the few fields of a run they count (on add
// and remove), and a summary of the runs in a time range (for hours a query only partly
// covers, and to recompute an hour's extremes after a removal).

import type { RunRecord } from '../shared/run-record.ts';
import type { PoolId } from './ids.ts';
import { isRescued } from './rescued.ts';

export const HOUR_MS = 3_600_000;

export interface AggRow {
  timestampMs: number;
  command: string;
  succeeded: boolean;
  failedAttempts: number;
  totalAttempts: number;
  durationSeconds: number;
}

/** Hours are UTC and by run time; every part of the store must bucket the same way. */
export function hourOf(timestampMs: number): number {
  return Math.floor(timestampMs / HOUR_MS);
}

export function aggRowOf(r: RunRecord): AggRow {
  return {
    timestampMs: r.timestampMs,
    command: r.command,
    succeeded: r.final_status === 'succeeded',
    failedAttempts: r.failed_attempts,
    totalAttempts: r.total_attempts,
    durationSeconds: r.total_duration_seconds,
  };
}

/** One command's runs in a range. */
export interface CommandTally {
  command: string;
  /** The command's id in the aggregates' pool, when the store knows it: saves a lookup by name. */
  commandId?: PoolId;
  count: number;
  succeeded: number;
  /** rescued.ts */
  rescued: number;
  attempts: number;
  durationSum: number;
}

export interface RangeSummary {
  commands: CommandTally[];
  /** Every run's duration, in any order: the percentiles need each one. */
  durations: number[];
  minTs: number;
  maxTs: number;
}

/**
 * Summarises the runs whose timestamp lies in [fromMs, toMs], both inclusive. A store
 * may compute it however is cheapest: SQLite does it in SQL, so no JS object is built
 * per row.
 */
export type RangeSummarizer = (fromMs: number, toMs: number) => RangeSummary;

/** Builds a summary from rows one at a time, for stores that hold their rows in JS. */
export class SummaryBuilder {
  private readonly tallies = new Map<string, CommandTally>();
  private readonly durations: number[] = [];
  private minTs = Infinity;
  private maxTs = -Infinity;

  add(row: AggRow): void {
    let t = this.tallies.get(row.command);
    if (t === undefined) {
      t = { command: row.command, count: 0, succeeded: 0, rescued: 0, attempts: 0, durationSum: 0 };
      this.tallies.set(row.command, t);
    }
    t.count++;
    if (row.succeeded) t.succeeded++;
    if (isRescued(row.succeeded, row.failedAttempts)) t.rescued++;
    t.attempts += row.totalAttempts;
    t.durationSum += row.durationSeconds;
    this.durations.push(row.durationSeconds);
    if (row.timestampMs < this.minTs) this.minTs = row.timestampMs;
    if (row.timestampMs > this.maxTs) this.maxTs = row.timestampMs;
  }

  build(): RangeSummary {
    return { commands: [...this.tallies.values()], durations: this.durations, minTs: this.minTs, maxTs: this.maxTs };
  }
}

const bits = new Float64Array(1);
const asInt = new BigInt64Array(bits.buffer);

/** The largest double below x: turns an hour's exclusive end into an inclusive bound. */
export function justBelow(x: number): number {
  if (x === 0) return -Number.MIN_VALUE;
  bits[0] = x;
  // For a positive double a smaller bit pattern is a smaller value; for a negative one, a larger.
  asInt[0] = (asInt[0] ?? 0n) + (x > 0 ? -1n : 1n);
  return bits[0] ?? x;
}
