// What the aggregates need from the stores: the few fields of a run they count (on add
// and remove), and a summary of the runs in a time range (for hours a query only partly
// covers, and to recompute an hour's extremes after a removal).

import type { RunRecord } from '../shared/run-record.ts';
import type { PoolId } from './ids.ts';

export const HOUR_MS = 3_600_000;

export interface AggRow {
  timestampMs: number;
  command: string;
  /** The command's id in the aggregates' pool, when the caller holds it there: saves a lookup by name. */
  commandId?: PoolId;
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
 * Summarises the runs whose timestamp lies in [fromMs, toMs], both inclusive. Both stores
 * do it in one pass over typed arrays (memory-columns.ts, sqlite-shadow.ts), with no JS
 * object per row.
 */
export type RangeSummarizer = (fromMs: number, toMs: number) => RangeSummary;

/**
 * For a command filter: the runs in [fromMs, toMs] of the commands flagged MATCH in `wanted`
 * (by pool id, command-match.ts), one summary for each hour of `hours` (ascending) and
 * aligned with it, each what a RangeSummarizer gives for that hour's part of the range
 * less the other commands' runs. One pass for all the hours (hour-parts.ts).
 */
export type HourSummarizer = (
  fromMs: number,
  toMs: number,
  wanted: Uint8Array,
  hours: readonly number[],
) => RangeSummary[];

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
