// "Runs per hour" data: one slot per hour, bars in the middle of their hour, and a scale
// that ends with the current hour rather than at its start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatsResult } from '../api.ts';
import { hourScale, hourlySeries } from './hourly.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 26, 16); // 16:00 UTC

function stats(hours: Array<[number, number, number]>): StatsResult {
  return {
    hourly_breakdown: hours.map(([ms, total, succeeded]) => ({
      hour: new Date(ms).toISOString(),
      total_runs: total,
      success_rate: succeeded / total,
    })),
  } as StatsResult;
}

test('each hour of the range is one x at the middle of the hour, with its runs split', () => {
  // 14:20 to 16:40: three hours, the last one the current, unfinished one.
  const range = { startMs: T0 - 100 * 60_000, endMs: T0 + 40 * 60_000 };
  const [xs, ok, failed] = hourlySeries(
    stats([
      [T0 - 2 * H, 3, 3],
      [T0, 7, 4],
    ]),
    range,
  );
  assert.deepEqual(
    xs,
    [T0 - 2 * H, T0 - H, T0].map((ms) => ms / 1000 + 1800),
  );
  assert.deepEqual(ok, [3, 0, 4]);
  assert.deepEqual(failed, [0, 0, 3], 'the current hour keeps its failed runs');
});

test('counts come back whole from any success rate', () => {
  const range = { startMs: T0, endMs: T0 + 1 };
  for (let total = 1; total <= 60; total++) {
    for (let succeeded = 0; succeeded <= total; succeeded++) {
      const [, ok, failed] = hourlySeries(stats([[T0, total, succeeded]]), range);
      assert.deepEqual([ok[0], failed[0]], [succeeded, total - succeeded]);
    }
  }
});

test('the x scale runs from the first hour start to the last hour end', () => {
  const [xs] = hourlySeries(stats([]), { startMs: T0 - 30 * 60_000, endMs: T0 + 5 * 60_000 });
  assert.deepEqual(hourScale(xs[0] ?? NaN, xs.at(-1) ?? NaN), [(T0 - H) / 1000, (T0 + H) / 1000]);
  // One hour alone is still a whole hour wide, not a zero-width scale.
  assert.deepEqual(hourScale(T0 / 1000 + 1800, T0 / 1000 + 1800), [T0 / 1000, (T0 + H) / 1000]);
});
