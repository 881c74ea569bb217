// commands(): the per-command table behind GET /api/metrics/commands, on both stores:
// by hand on the small dataset, and against brute force on random runs with removals.
import assert from 'node:assert/strict';
import type { RunRecord } from '../shared/run-record.ts';
import { nearestRank } from './command-stats.ts';
import { MAX_DURATION_SECONDS } from '../shared/record-limits.ts';
import { CURL, HOUR, MAKE, MINUTE, PING, T0, dataset, eachStore, ids, run } from './test-support.ts';
import type { CommandDetail } from '../shared/api/metrics.ts';
import { seeded } from '../../test/helpers/seeded.ts';
// The store's figures as the API shows them (src/http/wire/stats.ts), so that these tests also pin the wire values.
import { toApiCommands } from '../http/wire/stats.ts';

eachStore('commands over the whole dataset: ranked by count then name, exact figures', (h) => {
  const store = h.open();
  store.append(dataset(), T0);
  const r = toApiCommands(store.commands(T0, T0 + 3 * HOUR - 1, 20));
  assert.deepEqual(r.time_range, { start: '2026-11-26T16:00:00Z', end: '2026-11-26T18:59:59Z' });
  assert.deepEqual(r.commands, [
    {
      command: CURL,
      count: 2,
      successful_runs: 1,
      failed_runs: 1,
      success_rate: 0.5,
      rescued_runs: 1,
      average_attempts: 2,
      average_duration_seconds: 2.75,
      duration_seconds: { p50: 1.5, p90: 4, p99: 4, max: 4 },
      last_run: '2026-11-26T16:20:00Z',
    },
    {
      command: MAKE,
      count: 2,
      successful_runs: 2,
      failed_runs: 0,
      success_rate: 1,
      rescued_runs: 1,
      average_attempts: 1.5,
      average_duration_seconds: 1.25,
      duration_seconds: { p50: 0.25, p90: 2.25, p99: 2.25, max: 2.25 },
      last_run: '2026-11-26T18:40:00Z',
    },
    {
      command: PING,
      count: 1,
      successful_runs: 1,
      failed_runs: 0,
      success_rate: 1,
      rescued_runs: 0,
      average_attempts: 1,
      average_duration_seconds: 1,
      duration_seconds: { p50: 1, p90: 1, p99: 1, max: 1 },
      last_run: '2026-11-26T18:30:00Z',
    },
  ]);
});

eachStore('commands: bounds inside hours, the limit, and an empty range', (h) => {
  const store = h.open();
  store.append(dataset(), T0);
  // 16:15 .. 18:35 takes CURL 16:20 (failed, 4 s), MAKE 17:05 (0.25 s) and PING 18:30 (1 s).
  const r = toApiCommands(store.commands(T0 + 15 * MINUTE, T0 + 2 * HOUR + 35 * MINUTE, 2));
  assert.deepEqual(
    r.commands.map((c) => [c.command, c.count, c.duration_seconds.max]),
    [
      [CURL, 1, 4],
      [MAKE, 1, 0.25],
    ],
  );
  assert.equal(r.commands[0]?.success_rate, 0);
  assert.deepEqual(toApiCommands(store.commands(T0 - 5 * HOUR, T0 - 4 * HOUR, 20)).commands, []);
  assert.deepEqual(toApiCommands(store.commands(T0 + 10 * MINUTE + 1, T0 + 20 * MINUTE - 1, 20)).commands, []);
});

function bruteForce(runs: RunRecord[], start: number, end: number, limit: number): CommandDetail[] {
  const by = new Map<string, RunRecord[]>();
  for (const r of runs)
    if (r.timestampMs >= start && r.timestampMs <= end) by.set(r.command, [...(by.get(r.command) ?? []), r]);
  return [...by]
    .sort(([a, ra], [b, rb]) => rb.length - ra.length || (a < b ? -1 : 1))
    .slice(0, limit)
    .map(([command, rs]) => {
      const sorted = Float64Array.from(rs.map((r) => r.total_duration_seconds)).sort();
      const ok = rs.filter((r) => r.final_status === 'succeeded');
      return {
        command,
        count: rs.length,
        successful_runs: ok.length,
        failed_runs: rs.length - ok.length,
        success_rate: ok.length / rs.length,
        rescued_runs: ok.filter((r) => r.failed_attempts > 0).length,
        average_attempts: rs.reduce((s, r) => s + r.total_attempts, 0) / rs.length,
        average_duration_seconds: sorted.reduce((s, d) => s + d, 0) / rs.length,
        duration_seconds: {
          p50: nearestRank(sorted, 0.5),
          p90: nearestRank(sorted, 0.9),
          p99: nearestRank(sorted, 0.99),
          max: sorted[sorted.length - 1] ?? 0,
        },
        last_run: new Date(Math.floor(Math.max(...rs.map((r) => r.timestampMs)) / 1000) * 1000)
          .toISOString()
          .replace('.000Z', 'Z'),
      };
    });
}

eachStore('commands match brute force on random runs, after evictions and expiry too', (h) => {
  const rnd = seeded(7);
  const runs: RunRecord[] = [];
  for (let i = 0; i < 3000; i++) {
    // A skewed mix: a few busy commands and a long tail.
    const c = Math.floor(Math.pow(rnd(), 3) * 60);
    const n = 1 + Math.floor(rnd() * 3);
    const ok = rnd() < 0.75;
    const attempts: [number, boolean][] = Array.from({ length: n }, (_, k) => [
      Math.exp(rnd() * 8 - 4),
      ok && k === n - 1,
    ]);
    runs.push(run(`job ${c}`, ok ? 'succeeded' : 'failed', attempts, T0 + rnd() * 12 * HOUR));
  }
  const store = h.open({ maxRecords: 2500, maxAgeMs: 10 * HOUR }, T0);
  for (let i = 0; i < runs.length; i += 250) store.append(runs.slice(i, i + 250), T0);
  // The oldest 500 by arrival are evicted; then everything before T0 + 2 h expires.
  store.removeExpired(T0 + 12 * HOUR);
  const kept = runs.slice(500).filter((r) => r.timestampMs >= T0 + 2 * HOUR);
  assert.equal(store.count(), kept.length);
  for (const [start, end, limit] of [
    [T0, T0 + 12 * HOUR, 20],
    [T0 + 3 * HOUR + 17 * MINUTE, T0 + 7 * HOUR + 3 * MINUTE, 5],
    [T0 + 5 * HOUR, T0 + 5 * HOUR + 20 * MINUTE, 100],
  ] as const) {
    assert.deepEqual(
      toApiCommands(store.commands(start, end, limit)).commands,
      bruteForce(kept, start, end, limit),
      `${start}..${end}`,
    );
    // A command filter ranks and lists only the commands that contain it: several (job 1,
    // job 10..19), one, all, none.
    for (const command of ['job 1', 'job 0', 'job', 'job 99', 'Job']) {
      const matching = kept.filter((r) => r.command.includes(command));
      assert.deepEqual(
        toApiCommands(store.commands(start, end, limit, { command })).commands,
        bruteForce(matching, start, end, limit),
        `${start}..${end} command=${command}`,
      );
    }
  }
});

eachStore('recent: untilMs is by run time and inclusive, and combines with sinceMs', (h) => {
  const store = h.open();
  store.append(dataset(), T0);
  assert.deepEqual(ids(store, { limit: 10, untilMs: T0 + 20 * MINUTE }), [4, 2]);
  assert.deepEqual(ids(store, { limit: 10, untilMs: T0 + 20 * MINUTE - 1 }), [2]);
  assert.deepEqual(ids(store, { limit: 10, sinceMs: T0 + HOUR, untilMs: T0 + 2 * HOUR + 30 * MINUTE }), [5, 1]);
  assert.deepEqual(ids(store, { limit: 10, untilMs: T0 - 1 }), []);
});

eachStore('commands: durations come back exact, from the smallest double to the largest allowed', (h) => {
  const store = h.open();
  const seconds = [0, 5e-324, 1.234567e-6, 1 / 3, 0.1, 2, 12345678.123456789, MAX_DURATION_SECONDS];
  store.append(
    seconds.map((s, i) => run(MAKE, 'succeeded', [[s, true]], T0 + i * MINUTE)),
    T0,
  );
  const [make] = store.commands(T0, T0 + HOUR, 5).commands;
  const sorted = Float64Array.from(seconds).sort();
  assert.deepEqual(make?.durationSeconds, {
    p50: nearestRank(sorted, 0.5),
    p90: nearestRank(sorted, 0.9),
    p99: nearestRank(sorted, 0.99),
    max: MAX_DURATION_SECONDS,
  });
  assert.equal(make?.averageDurationSeconds, sorted.reduce((a, b) => a + b, 0) / seconds.length);
  assert.deepEqual([nearestRank(sorted, 0.25), nearestRank(sorted, 0.5)], [5e-324, 0.1]);
});
