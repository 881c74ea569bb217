// Everything the stats need about one UTC hour of runs, kept current on add and remove.
// Sums and the histogram can be taken back exactly; the extremes (first/last run time,
// shortest/longest run) cannot, so a removal that may have taken one marks the bucket
// stale and the next query recomputes them from that hour's rows.

import type { AggRow, RangeSummary } from './agg-input.ts';
import { CommandCounters } from './command-counters.ts';
import { LogHistogram } from './histogram.ts';
import type { PoolId } from './ids.ts';
import { isRescued } from './rescued.ts';

export class HourBucket {
  runs = 0;
  succeeded = 0;
  /** rescued.ts */
  rescued = 0;
  attempts = 0;
  durationSum = 0;
  minTs = Infinity;
  maxTs = -Infinity;
  minDuration = Infinity;
  maxDuration = -Infinity;
  /** The extremes above may be wider than the data; refresh before relying on them. */
  stale = false;
  readonly durations = new LogHistogram();
  readonly commands = new CommandCounters();

  add(row: AggRow, commandId: PoolId): void {
    this.runs++;
    if (row.succeeded) this.succeeded++;
    if (isRescued(row.succeeded, row.failedAttempts)) this.rescued++;
    this.attempts += row.totalAttempts;
    this.durationSum += row.durationSeconds;
    this.widen(row);
    this.durations.add(row.durationSeconds);
    this.commands.add(commandId, row.succeeded, row.durationSeconds);
  }

  remove(row: AggRow, commandId: PoolId): void {
    this.runs--;
    if (row.succeeded) this.succeeded--;
    if (isRescued(row.succeeded, row.failedAttempts)) this.rescued--;
    this.attempts -= row.totalAttempts;
    this.durationSum -= row.durationSeconds;
    if (
      row.timestampMs <= this.minTs ||
      row.timestampMs >= this.maxTs ||
      row.durationSeconds <= this.minDuration ||
      row.durationSeconds >= this.maxDuration
    ) {
      this.stale = true;
    }
    this.durations.remove(row.durationSeconds);
    this.commands.remove(commandId, row.succeeded, row.durationSeconds);
    // Floating-point sums do not always return to exactly 0 when everything added has
    // been taken back; an emptied hour starts again from a clean 0 instead of carrying
    // the residue into every later merge.
    if (this.runs === 0) this.attempts = this.durationSum = 0;
  }

  /** Takes exact extremes from a summary of every run in this hour. */
  refresh(all: RangeSummary): void {
    this.minTs = all.minTs;
    this.maxTs = all.maxTs;
    this.minDuration = Infinity;
    this.maxDuration = -Infinity;
    for (const d of all.durations) {
      if (d < this.minDuration) this.minDuration = d;
      if (d > this.maxDuration) this.maxDuration = d;
    }
    this.stale = false;
  }

  private widen(row: AggRow): void {
    if (row.timestampMs < this.minTs) this.minTs = row.timestampMs;
    if (row.timestampMs > this.maxTs) this.maxTs = row.timestampMs;
    if (row.durationSeconds < this.minDuration) this.minDuration = row.durationSeconds;
    if (row.durationSeconds > this.maxDuration) this.maxDuration = row.durationSeconds;
  }
}
