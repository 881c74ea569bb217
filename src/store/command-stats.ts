// Per-command figures over a time range, for the dashboard's command table
// (GET /api/metrics/commands). Which commands make the cut comes from the hour
// aggregates (cheap even with 100k distinct commands); their figures come from their raw
// runs in range, because a p90 per command needs every duration and the aggregates keep
// no histogram per command.

import type { PoolId } from './ids.ts';
import type { CommandDetail, CommandStats, CommandSummary } from './types.ts';

/** One command's raw runs in range. */
export interface CommandRuns {
  count: number;
  succeeded: number;
  /** rescued.ts */
  rescued: number;
  attempts: number;
  lastTs: number;
  /** In any order; sorted in place when the figures are built. */
  durations: Float64Array;
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
  if (c.count < c.durations.length) c.durations[c.count] = seconds;
  else c.durations = grown(c.durations, c.count, seconds);
  c.count++;
  if (succeeded) c.succeeded++;
  if (rescued) c.rescued++;
  c.attempts += attempts;
  if (ts > c.lastTs) c.lastTs = ts;
}

/** After the pass: each command's durations cut to the runs found, should the counts have been high. */
export function trimRuns(out: CommandRuns[]): CommandRuns[] {
  for (const c of out) if (c.durations.length !== c.count) c.durations = c.durations.slice(0, c.count);
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

/**
 * The figures of the commands the aggregates ranked (`top`, busiest first), from their runs
 * in range: `gather` collects them in one pass, given `slots` (by pool id: the command's
 * rank + 1, else 0) and how many runs each will have. Both stores answer commands() this way.
 */
export function rankedCommandStats(
  top: readonly CommandSummary[],
  pool: { readonly idLimit: number; idOf(s: string): PoolId | undefined },
  startMs: number,
  endMs: number,
  gather: (slots: Int32Array, expected: readonly number[]) => CommandRuns[],
): CommandStats {
  const slots = new Int32Array(pool.idLimit);
  top.forEach((c, i) => {
    const id = pool.idOf(c.command);
    if (id !== undefined) slots[id] = i + 1;
  });
  const runs = gather(
    slots,
    top.map((c) => c.count),
  );
  const commands: CommandDetail[] = [];
  top.forEach((c, i) => {
    const t = runs[i];
    if (t !== undefined && t.count > 0) commands.push(detailOf(c.command, t));
  });
  return { startMs, endMs, commands };
}

/** One command's figures; sorts `t.durations` in place. */
function detailOf(command: string, t: CommandRuns): CommandDetail {
  const sorted = t.durations.sort();
  let sum = 0;
  for (const d of sorted) sum += d;
  return {
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
  };
}
