// Per-command figures over a time range, for the dashboard's command table
// (GET /api/metrics/commands). Which commands make the cut comes from the hour
// aggregates (cheap even with 100k distinct commands); their figures come from their raw
// runs in range, because a p90 per command needs every duration and the aggregates keep
// no histogram per command.

import { isRescued } from './rescued.ts';
import type { CommandDetail, CommandStats } from './types.ts';

/** One command's raw runs in range. */
export interface CommandRuns {
  count: number;
  succeeded: number;
  /** rescued.ts */
  rescued: number;
  attempts: number;
  lastTs: number;
  /** In any order. */
  durations: ArrayLike<number>;
}

/**
 * Empty figures for commands about to be gathered by a pass over typed arrays (the memory
 * store's columns, the SQLite store's shadow): `expected[i]` is how many runs command i
 * will have (the aggregates know), so each one's durations fill one array of that size.
 */
export function emptyRuns(expected: readonly number[]): CommandRuns[] {
  return expected.map((n) => ({
    count: 0,
    succeeded: 0,
    rescued: 0,
    attempts: 0,
    lastTs: -Infinity,
    durations: new Float64Array(n),
  }));
}

/** One run into figures made by emptyRuns(). */
export function addRun(
  c: CommandRuns,
  ts: number,
  succeeded: boolean,
  rescued: boolean,
  seconds: number,
  attempts: number,
): void {
  if (c.count < c.durations.length) (c.durations as Float64Array)[c.count] = seconds;
  else c.durations = grown(c.durations as Float64Array, c.count, seconds);
  c.count++;
  if (succeeded) c.succeeded++;
  if (rescued) c.rescued++;
  c.attempts += attempts;
  if (ts > c.lastTs) c.lastTs = ts;
}

/** After the pass: each command's durations cut to the runs found, should the counts have been high. */
export function trimRuns(out: CommandRuns[]): CommandRuns[] {
  for (const c of out)
    if (c.durations.length !== c.count) c.durations = (c.durations as Float64Array).slice(0, c.count);
  return out;
}

/** A copy of `a` with room for more, `v` at index n. Only if the expected counts were short. */
function grown(a: Float64Array, n: number, v: number): Float64Array {
  const b = new Float64Array(Math.max(8, n * 2));
  b.set(a.subarray(0, n));
  b[n] = v;
  return b;
}

/** The value of nearest rank ceil(q·n) in ascending `sorted`, as stats() defines it. */
export function nearestRank(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * sorted.length - 1e-9));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

export class CommandStatsBuilder {
  private readonly runs = new Map<string, CommandRuns>();

  /** One run at a time, for a store that holds its rows in JS. */
  add(
    command: string,
    succeeded: boolean,
    failedAttempts: number,
    totalAttempts: number,
    durationSeconds: number,
    timestampMs: number,
  ): void {
    let t = this.runs.get(command);
    if (t === undefined) {
      t = { count: 0, succeeded: 0, rescued: 0, attempts: 0, lastTs: -Infinity, durations: [] };
      this.runs.set(command, t);
    }
    t.count++;
    if (succeeded) t.succeeded++;
    if (isRescued(succeeded, failedAttempts)) t.rescued++;
    t.attempts += totalAttempts;
    if (timestampMs > t.lastTs) t.lastTs = timestampMs;
    // add() only ever sees the arrays it made itself, just above.
    (t.durations as number[]).push(durationSeconds);
  }

  /** A command already summed up elsewhere; the builder takes over `runs.durations`. */
  set(command: string, runs: CommandRuns): void {
    this.runs.set(command, runs);
  }

  /** The commands in the order given (the ranking); any without runs are left out. */
  build(startMs: number, endMs: number, order: readonly string[]): CommandStats {
    const commands: CommandDetail[] = [];
    for (const command of order) {
      const t = this.runs.get(command);
      if (t === undefined || t.count === 0) continue;
      // Sorted in place when it is already a Float64Array (set() hands it over); copied otherwise.
      const sorted = (t.durations instanceof Float64Array ? t.durations : new Float64Array(t.durations)).sort();
      let sum = 0;
      for (const d of sorted) sum += d;
      commands.push({
        command,
        count: t.count,
        successfulRuns: t.succeeded,
        failedRuns: t.count - t.succeeded,
        successRate: t.succeeded / t.count,
        rescuedRuns: t.rescued,
        averageAttempts: t.attempts / t.count,
        averageDurationSeconds: sum / t.count,
        durationSeconds: {
          p50: nearestRank(sorted, 0.5),
          p90: nearestRank(sorted, 0.9),
          p99: nearestRank(sorted, 0.99),
          max: sorted[sorted.length - 1] ?? 0,
        },
        lastRunMs: t.lastTs,
      });
    }
    return { startMs, endMs, commands };
  }
}
