// stats() and commands() with a command filter (GET /api/metrics/stats and /commands with
// command=), on both stores, by hand on the small dataset: a run counts when its command
// contains the text, case-sensitive, as recent()'s filter. Random runs against brute force
// are in store-random.test.ts, store-commands.test.ts and store-edges.test.ts.
import assert from 'node:assert/strict';
import { CURL, HOUR, MAKE, MINUTE, PING, T0, dataset, eachStore, within1Percent } from './test-support.ts';
// The store's figures as the API shows them (src/http/wire/stats.ts), so that these tests also pin the wire values.
import { toApiCommands, toApiStats } from '../http/wire/stats.ts';

const ALL = [T0, T0 + 3 * HOUR - 1] as const;
/** 16:15 .. 18:35: cuts the first and the last hour. */
const CUT = [T0 + 15 * MINUTE, T0 + 2 * HOUR + 35 * MINUTE] as const;

eachStore('stats with command=: one command, every figure from its runs only', (h) => {
  const store = h.open();
  store.append(dataset(), T0);
  const s = toApiStats(store.stats(...ALL, { command: 'curl' }));
  assert.deepEqual(s.time_range, { start: '2026-11-26T16:00:00Z', end: '2026-11-26T18:59:59Z' });
  // CURL 16:10 rescued (1.5 s, 2 attempts) and CURL 16:20 failed (4 s, 2 attempts).
  assert.equal(s.total_runs, 2);
  assert.equal(s.successful_runs, 1);
  assert.equal(s.failed_runs, 1);
  assert.equal(s.success_rate, 0.5);
  assert.equal(s.average_attempts, 2);
  assert.equal(s.total_attempts, 4);
  assert.equal(s.rescued_runs, 1);
  assert.equal(s.average_duration, 2_750_000_000);
  within1Percent(s.duration_seconds.p50, 1.5, 'p50');
  within1Percent(s.duration_seconds.p90, 4, 'p90');
  assert.equal(s.duration_seconds.max, 4);
  assert.deepEqual(s.top_commands, [{ command: CURL, count: 2, success_rate: 0.5, avg_duration: 2_750_000_000 }]);
  assert.deepEqual(s.hourly_breakdown, [{ hour: '2026-11-26T16:00:00Z', total_runs: 2, success_rate: 0.5 }]);
});

eachStore('stats with command=: a part of several commands, and ranges that cut hours', (h) => {
  const store = h.open();
  store.append(dataset(), T0);
  // "p" is in CURL (https) and PING, not in MAKE.
  const s = toApiStats(store.stats(...ALL, { command: 'p' }));
  assert.deepEqual([s.total_runs, s.successful_runs, s.rescued_runs, s.total_attempts], [3, 2, 1, 5]);
  assert.equal(s.average_duration, Math.round(((1.5 + 4 + 1) / 3) * 1e9));
  assert.deepEqual(
    s.top_commands.map((c) => [c.command, c.count]),
    [
      [CURL, 2],
      [PING, 1],
    ],
  );
  assert.deepEqual(s.hourly_breakdown, [
    { hour: '2026-11-26T16:00:00Z', total_runs: 2, success_rate: 0.5 },
    { hour: '2026-11-26T18:00:00Z', total_runs: 1, success_rate: 1 },
  ]);
  // 16:15 .. 18:35 keeps CURL 16:20 (failed, 4 s) and PING 18:30 (1 s): both edge hours in part.
  const cut = toApiStats(store.stats(...CUT, { command: 'p' }));
  assert.deepEqual([cut.total_runs, cut.successful_runs, cut.rescued_runs, cut.total_attempts], [2, 1, 0, 3]);
  assert.equal(cut.average_duration, 2_500_000_000);
  assert.equal(cut.duration_seconds.max, 4);
  assert.deepEqual(
    cut.top_commands.map((c) => [c.command, c.count]),
    [
      [CURL, 1],
      [PING, 1],
    ],
  );
  assert.deepEqual(cut.hourly_breakdown, [
    { hour: '2026-11-26T16:00:00Z', total_runs: 1, success_rate: 0 },
    { hour: '2026-11-26T18:00:00Z', total_runs: 1, success_rate: 1 },
  ]);
  // MAKE: 17:00 is an inner hour of MAKE alone (taken whole); 18:00 holds PING too, and
  // MAKE 18:40 is past the end.
  const make = toApiStats(store.stats(...CUT, { command: 'make' }));
  assert.deepEqual([make.total_runs, make.total_attempts, make.duration_seconds.max], [1, 1, 0.25]);
  assert.deepEqual(make.hourly_breakdown, [{ hour: '2026-11-26T17:00:00Z', total_runs: 1, success_rate: 1 }]);
  const later = toApiStats(store.stats(T0 + HOUR, T0 + 2 * HOUR + 45 * MINUTE, { command: 'make' }));
  assert.deepEqual([later.total_runs, later.rescued_runs, later.duration_seconds.max], [2, 1, 2.25]);
});

eachStore('stats with command=: a part every command has is the unfiltered answer; none, all zeros', (h) => {
  const store = h.open();
  store.append(dataset(), T0);
  for (const range of [ALL, CUT, [T0 + 10 * MINUTE, T0 + 20 * MINUTE] as const]) {
    const all = store.stats(...range);
    for (const command of ['', ' -', 'e']) assert.deepEqual(store.stats(...range, { command }), all, command);
    assert.deepEqual(store.stats(...range, {}), all);
  }
  const none = toApiStats(store.stats(...ALL, { command: 'nothing' }));
  assert.deepEqual(none, {
    time_range: { start: '2026-11-26T16:00:00Z', end: '2026-11-26T18:59:59Z' },
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
  });
  // Case-sensitive; and a command with runs, but none in range.
  assert.deepEqual(toApiStats(store.stats(...ALL, { command: 'CURL' })), none);
  assert.equal(store.stats(T0, T0 + 2 * HOUR - 1, { command: 'ping' }).totalRuns, 0);
});

eachStore('commands with command=: only the commands that contain it, ranked as without', (h) => {
  const store = h.open();
  store.append(dataset(), T0);
  const all = store.commands(...ALL, 20);
  const p = store.commands(...ALL, 20, { command: 'p' });
  assert.deepEqual(
    p.commands,
    all.commands.filter((c) => c.command !== MAKE),
  );
  assert.deepEqual(
    toApiCommands(store.commands(...ALL, 1, { command: 'p' })).commands.map((c) => c.command),
    [CURL],
  );
  assert.deepEqual(
    toApiCommands(store.commands(...CUT, 20, { command: 'make' })).commands.map((c) => [c.command, c.count]),
    [[MAKE, 1]],
  );
  assert.deepEqual(store.commands(...ALL, 20, { command: '' }), all);
  assert.deepEqual(store.commands(...ALL, 20, { command: 'Make' }).commands, []);
  assert.deepEqual(store.commands(T0 + 3 * HOUR, T0 + 4 * HOUR, 20, { command: 'make' }).commands, []);
});
