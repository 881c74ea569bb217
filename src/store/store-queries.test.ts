// Behaviour shared by both stores: ids, recent(), round trips and stats() on a dataset
// small enough to compute by hand (see dataset() in test-support.ts).
import assert from 'node:assert/strict';
import { CURL, HOUR, MAKE, MINUTE, PING, T0, dataset, eachStore, ids, run, within1Percent } from './test-support.ts';
// The store's figures as the API shows them (src/http/wire/stats.ts), so that these tests also pin the wire values.
import { toApiStats } from '../http/wire/stats.ts';

eachStore('append assigns increasing ids and returns every record with them', (h) => {
  const store = h.open();
  const records = dataset();
  const first = store.append(records.slice(0, 2), T0 + 5);
  const second = store.append(records.slice(2), T0 + 6);
  assert.deepEqual(
    [...first, ...second].map((r) => r.id),
    [1, 2, 3, 4, 5],
  );
  assert.equal(second[0]?.receivedAtMs, T0 + 6);
  assert.equal(second[2]?.record, records[4]);
  assert.equal(store.count(), 5);
  assert.deepEqual(store.append([], T0), []);
});

eachStore('recent: newest first by id, each filter, and the limit', (h) => {
  const store = h.open();
  store.append(dataset(), T0);
  assert.deepEqual(ids(store, { limit: 10 }), [5, 4, 3, 2, 1]);
  assert.deepEqual(ids(store, { limit: 2 }), [5, 4]);
  assert.deepEqual(ids(store, { limit: 10, status: 'failed' }), [4]);
  assert.deepEqual(ids(store, { limit: 10, status: 'succeeded' }), [5, 3, 2, 1]);
  assert.deepEqual(ids(store, { limit: 2, status: 'succeeded' }), [5, 3]);
  assert.deepEqual(ids(store, { limit: 10, command: 'make' }), [3, 1]);
  assert.deepEqual(ids(store, { limit: 10, command: 'example.com' }), [4, 2]);
  // A plain, case-sensitive substring: no SQL wildcards.
  assert.deepEqual(ids(store, { limit: 10, command: 'MAKE' }), []);
  assert.deepEqual(ids(store, { limit: 10, command: '%' }), []);
  assert.deepEqual(ids(store, { limit: 10, command: 'c_1' }), []);
  // sinceMs is by run time and inclusive.
  assert.deepEqual(ids(store, { limit: 10, sinceMs: T0 + HOUR }), [5, 3, 1]);
  assert.deepEqual(ids(store, { limit: 10, sinceMs: T0 + 2 * HOUR + 30 * MINUTE }), [5, 3]);
  assert.deepEqual(ids(store, { limit: 10, sinceMs: T0 + 2 * HOUR, status: 'succeeded', command: 'make' }), [3]);
});

eachStore('records come back exactly as stored, optional fields included or absent', (h) => {
  const store = h.open();
  const full = run(
    CURL,
    'failed',
    [
      [0.1, false, 22],
      [0.2, false, -9],
    ],
    T0 + 1.5,
    {
      strategy: 'exponential',
      exit_code: 22,
      reason: 'max attempts reached',
      host: 'web-1',
      labels: { team: 'infra', 'job id': 'nightly "backup"' },
      command_hash: 'deadbeef',
    },
  );
  const bare = run(PING, 'succeeded', [], T0);
  const zero = run(MAKE, 'succeeded', [[0, true]], T0, { exit_code: 0 });
  // Integers beyond the compact columns must not be truncated.
  const huge = run(MAKE, 'failed', [[1, false, -(2 ** 35)]], T0, {
    total_attempts: 2 ** 40,
    failed_attempts: 2 ** 40,
    exit_code: 2 ** 33,
  });
  store.append([full, bare, zero, huge], T0 + 99);
  const byId = new Map([...store.iterate()].map((r) => [r.id, r]));
  assert.deepEqual(byId.get(1), { id: 1, receivedAtMs: T0 + 99, record: full });
  assert.deepEqual(byId.get(2)?.record, bare);
  assert.deepEqual(byId.get(3)?.record, zero);
  assert.deepEqual(byId.get(4)?.record, huge);
  assert.deepEqual(store.recent({ limit: 1, command: 'curl' }).runs[0]?.record, full);
  assert.equal(toApiStats(store.stats(T0, T0 + 10)).total_attempts, 2 ** 40 + 3);
});

eachStore('stats over the whole dataset', (h) => {
  const store = h.open();
  store.append(dataset(), T0);
  const s = toApiStats(store.stats(T0, T0 + 3 * HOUR - 1));
  assert.deepEqual(s.time_range, { start: '2026-11-26T16:00:00Z', end: '2026-11-26T18:59:59Z' });
  assert.equal(s.total_runs, 5);
  assert.equal(s.successful_runs, 4);
  assert.equal(s.failed_runs, 1);
  assert.equal(s.success_rate, 0.8);
  assert.equal(s.total_attempts, 8);
  assert.equal(s.average_attempts, 1.6);
  assert.equal(s.rescued_runs, 2);
  assert.equal(s.average_duration, 1_800_000_000);
  within1Percent(s.average_duration_seconds, 1.8, 'average_duration_seconds');
  // Durations sorted: 0.25, 1, 1.5, 2.25, 4 (nearest rank).
  within1Percent(s.duration_seconds.p50, 1.5, 'p50');
  within1Percent(s.duration_seconds.p90, 4, 'p90');
  within1Percent(s.duration_seconds.p99, 4, 'p99');
  assert.equal(s.duration_seconds.max, 4);
  assert.ok(s.duration_seconds.p99 <= 4, 'percentiles are clamped to the max');
  assert.deepEqual(s.top_commands, [
    { command: CURL, count: 2, success_rate: 0.5, avg_duration: 2_750_000_000 },
    { command: MAKE, count: 2, success_rate: 1, avg_duration: 1_250_000_000 },
    { command: PING, count: 1, success_rate: 1, avg_duration: 1_000_000_000 },
  ]);
  assert.deepEqual(s.hourly_breakdown, [
    { hour: '2026-11-26T16:00:00Z', total_runs: 2, success_rate: 0.5 },
    { hour: '2026-11-26T17:00:00Z', total_runs: 1, success_rate: 1 },
    { hour: '2026-11-26T18:00:00Z', total_runs: 2, success_rate: 1 },
  ]);
});

eachStore('stats with bounds inside hours count only the runs within them', (h) => {
  const store = h.open();
  store.append(dataset(), T0);
  // 16:15 .. 18:35 takes CURL 16:20 (failed, 4 s), MAKE 17:05 (0.25 s) and PING 18:30 (1 s).
  const s = toApiStats(store.stats(T0 + 15 * MINUTE, T0 + 2 * HOUR + 35 * MINUTE));
  assert.equal(s.time_range.start, '2026-11-26T16:15:00Z');
  assert.equal(s.total_runs, 3);
  assert.equal(s.successful_runs, 2);
  assert.equal(s.rescued_runs, 0);
  assert.equal(s.total_attempts, 4);
  assert.equal(s.average_duration, 1_750_000_000);
  within1Percent(s.duration_seconds.p50, 1, 'p50');
  assert.equal(s.duration_seconds.max, 4);
  assert.deepEqual(
    s.top_commands.map((c) => [c.command, c.count]),
    [
      [CURL, 1],
      [MAKE, 1],
      [PING, 1],
    ],
  );
  assert.deepEqual(s.hourly_breakdown, [
    { hour: '2026-11-26T16:00:00Z', total_runs: 1, success_rate: 0 },
    { hour: '2026-11-26T17:00:00Z', total_runs: 1, success_rate: 1 },
    { hour: '2026-11-26T18:00:00Z', total_runs: 1, success_rate: 1 },
  ]);
});

eachStore('stats bounds are inclusive to the millisecond', (h) => {
  const store = h.open();
  store.append(dataset(), T0);
  const both = toApiStats(store.stats(T0 + 10 * MINUTE, T0 + 20 * MINUTE));
  assert.equal(both.total_runs, 2);
  assert.equal(both.rescued_runs, 1);
  assert.equal(toApiStats(store.stats(T0 + 10 * MINUTE + 1, T0 + 20 * MINUTE)).total_runs, 1);
  assert.equal(toApiStats(store.stats(T0 + 10 * MINUTE, T0 + 20 * MINUTE - 1)).total_runs, 1);
  // A whole hour and nothing else.
  assert.equal(toApiStats(store.stats(T0, T0 + HOUR - 1)).total_runs, 2);
  assert.equal(toApiStats(store.stats(T0 + HOUR, T0 + 2 * HOUR - 1)).total_runs, 1);
});

eachStore('stats of a range with no runs is all zeros', (h) => {
  const store = h.open();
  const empty = {
    time_range: { start: '2026-11-26T16:10:00Z', end: '2026-11-26T16:20:00Z' },
    total_runs: 0,
    successful_runs: 0,
    failed_runs: 0,
    success_rate: 0,
    average_attempts: 0,
    average_duration: 0,
    average_duration_seconds: 0,
    duration_seconds: { p50: 0, p90: 0, p99: 0, max: 0 },
    rescued_runs: 0,
    total_attempts: 0,
    top_commands: [],
    hourly_breakdown: [],
  };
  assert.deepEqual(toApiStats(store.stats(T0 + 10 * MINUTE, T0 + 20 * MINUTE)), empty);
  store.append(dataset(), T0);
  assert.deepEqual(toApiStats(store.stats(T0 + 10 * MINUTE + 1, T0 + 20 * MINUTE - 1)), {
    ...empty,
    time_range: { start: '2026-11-26T16:10:00Z', end: '2026-11-26T16:19:59Z' },
  });
  assert.equal(toApiStats(store.stats(T0 - 5 * HOUR, T0 - 4 * HOUR)).total_runs, 0);
});

eachStore('top_commands: ten at most, by count, ties by command name', (h) => {
  const store = h.open();
  const counts = [1, 5, 3, 3, 1, 2, 4, 3, 1, 2, 1, 2];
  const records = counts.flatMap((n, i) =>
    Array.from({ length: n }, (_, k) =>
      run(`cmd-${String(i + 1).padStart(2, '0')}`, k === 0 ? 'failed' : 'succeeded', [[i + 1, k > 0]], T0 + k * HOUR),
    ),
  );
  store.append(records.reverse(), T0);
  const top = toApiStats(store.stats(T0, T0 + 10 * HOUR)).top_commands;
  assert.deepEqual(
    top.map((c) => `${c.command}:${c.count}`),
    [
      'cmd-02:5',
      'cmd-07:4',
      'cmd-03:3',
      'cmd-04:3',
      'cmd-08:3',
      'cmd-06:2',
      'cmd-10:2',
      'cmd-12:2',
      'cmd-01:1',
      'cmd-05:1',
    ],
  );
  assert.deepEqual(top[0], { command: 'cmd-02', count: 5, success_rate: 0.8, avg_duration: 2_000_000_000 });
});

eachStore('percentiles stay within 1% on a wide spread of durations', (h) => {
  const store = h.open();
  const durations = Array.from({ length: 1000 }, (_, i) => 0.001 * Math.pow(1.013, i));
  store.append(
    durations.map((d, i) => run(MAKE, 'succeeded', [[d, true]], T0 + (i % 600) * MINUTE)),
    T0,
  );
  const s = toApiStats(store.stats(T0 + 7 * MINUTE, T0 + 590 * MINUTE));
  const inRange = durations.filter((_, i) => i % 600 >= 7 && i % 600 <= 590).sort((a, b) => a - b);
  const rank = (q: number): number => inRange[Math.ceil(q * inRange.length) - 1] ?? NaN;
  assert.equal(s.total_runs, inRange.length);
  within1Percent(s.duration_seconds.p50, rank(0.5), 'p50');
  within1Percent(s.duration_seconds.p90, rank(0.9), 'p90');
  within1Percent(s.duration_seconds.p99, rank(0.99), 'p99');
  assert.equal(s.duration_seconds.max, inRange[inRange.length - 1]);
});

eachStore('top_commands: when more than ten tie, the first ten names win whatever the arrival order', (h) => {
  const store = h.open();
  const names = Array.from({ length: 26 }, (_, i) => `job-${String.fromCharCode(122 - i)}`);
  store.append(
    names.map((name, i) => run(name, 'succeeded', [[1, true]], T0 + i)),
    T0,
  );
  const top = toApiStats(store.stats(T0, T0 + HOUR)).top_commands.map((c) => c.command);
  assert.deepEqual(top, [...names].sort().slice(0, 10));
});
