// Sums whole hour buckets and summaries of partial hours into the stats of a range
// (GET /api/metrics/stats shows them).
// Hours must be fed in ascending order; each hour is opened, filled, then closed.

import { HOUR_MS, type RangeSummary } from './agg-input.ts';
import type { CommandTotals } from './command-counters.ts';
import type { HourBucket } from './hour-bucket.ts';
import { LogHistogram } from './histogram.ts';
import type { StringPool } from './string-pool.ts';
import type { HourSummary, RunStats } from './types.ts';

const TOP_COMMANDS = 10;
export class StatsAccumulator {
  private runs = 0;
  private succeeded = 0;
  private rescued = 0;
  private attempts = 0;
  private durationSum = 0;
  private minDuration = Infinity;
  private maxDuration = -Infinity;
  private readonly durations = new LogHistogram();
  private readonly hours: HourSummary[] = [];
  private hour = 0;
  private hourRuns = 0;
  private hourSucceeded = 0;

  constructor(
    private readonly commands: CommandTotals,
    private readonly pool: StringPool,
    /** How many commands `topCommands` lists: the API's 10, or the command table's choice. */
    private readonly topCommands = TOP_COMMANDS,
  ) {}

  openHour(hour: number): void {
    this.hour = hour;
    this.hourRuns = 0;
    this.hourSucceeded = 0;
  }

  closeHour(): void {
    if (this.hourRuns === 0) return;
    this.hours.push({
      hourMs: this.hour * HOUR_MS,
      totalRuns: this.hourRuns,
      successRate: this.hourSucceeded / this.hourRuns,
    });
  }

  /** A bucket whose every run is inside the range. */
  addBucket(b: HourBucket): void {
    this.runs += b.runs;
    this.succeeded += b.succeeded;
    this.rescued += b.rescued;
    this.attempts += b.attempts;
    this.durationSum += b.durationSum;
    if (b.minDuration < this.minDuration) this.minDuration = b.minDuration;
    if (b.maxDuration > this.maxDuration) this.maxDuration = b.maxDuration;
    this.durations.merge(b.durations);
    b.commands.addTo(this.commands);
    this.hourRuns += b.runs;
    this.hourSucceeded += b.succeeded;
  }

  /** The runs in range of an hour that straddles a bound of the range. */
  addSummary(part: RangeSummary): void {
    for (const t of part.commands) {
      const commandId = t.commandId ?? this.pool.idOf(t.command);
      if (commandId === undefined) throw new Error('stats: a run in range has a command the aggregates do not hold');
      this.runs += t.count;
      this.hourRuns += t.count;
      this.succeeded += t.succeeded;
      this.hourSucceeded += t.succeeded;
      this.rescued += t.rescued;
      this.attempts += t.attempts;
      this.durationSum += t.durationSum;
      this.commands.add(commandId, t.count, t.succeeded, t.durationSum);
    }
    for (const d of part.durations) {
      if (d < this.minDuration) this.minDuration = d;
      if (d > this.maxDuration) this.maxDuration = d;
      this.durations.add(d);
    }
  }

  result(startMs: number, endMs: number): RunStats {
    const n = this.runs;
    const clamp = (v: number): number => Math.min(this.maxDuration, Math.max(this.minDuration, v));
    return {
      startMs,
      endMs,
      totalRuns: n,
      successfulRuns: this.succeeded,
      failedRuns: n - this.succeeded,
      successRate: n === 0 ? 0 : this.succeeded / n,
      averageAttempts: n === 0 ? 0 : this.attempts / n,
      // Never below 0: a sum that had runs taken back may keep a tiny negative residue.
      averageDurationSeconds: n === 0 ? 0 : Math.max(0, this.durationSum / n),
      durationSeconds:
        n === 0
          ? { p50: 0, p90: 0, p99: 0, max: 0 }
          : {
              p50: clamp(this.durations.quantile(0.5)),
              p90: clamp(this.durations.quantile(0.9)),
              p99: clamp(this.durations.quantile(0.99)),
              max: this.maxDuration,
            },
      rescuedRuns: this.rescued,
      totalAttempts: this.attempts,
      topCommands: this.commands.takeTop(this.topCommands, this.pool),
      hourly: this.hours,
    };
  }
}
