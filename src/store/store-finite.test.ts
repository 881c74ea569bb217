// Aggregates that stay numbers: an hour emptied of its runs starts again from 0, and a
// data file written before the record limits (runs of 1e300 attempts, 1.7e308 seconds)
// still gives finite stats with integers where documented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { MAX_ATTEMPTS, MAX_DURATION_SECONDS } from '../shared/record-limits.ts';
import { HourBucket } from './hour-bucket.ts';
import { poolId } from './ids.ts';
import { HOUR, MINUTE, NO_LIMITS, T0, eachStore, run } from './test-support.ts';
import type { StatsResult } from '../shared/api/metrics.ts';
// The store's figures as the API shows them (src/http/wire/stats.ts), so that these tests also pin the wire values.
import { toApiStats, toApiCommands } from '../http/wire/stats.ts';

function assertFinite(value: unknown, path = 'stats'): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (Array.isArray(value)) value.forEach((v, i) => assertFinite(v, `${path}.${i}`));
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) assertFinite(v, `${path}.${k}`);
}

/** An integer that JSON writes as digits (below 1e21 it never uses an exponent) and Go's int64 reads. */
const jsonInteger = (n: number): boolean => Number.isInteger(n) && n >= 0 && n < 2 ** 63;

function assertIntegers(s: StatsResult): void {
  for (const field of [
    'total_runs',
    'successful_runs',
    'failed_runs',
    'rescued_runs',
    'total_attempts',
    'average_duration',
  ] as const) {
    assert.ok(jsonInteger(s[field]), `${field} is ${s[field]}`);
    assert.match(JSON.stringify(s[field]), /^\d+$/, field);
  }
  for (const c of s.top_commands) assert.ok(jsonInteger(c.avg_duration), `avg_duration ${c.avg_duration}`);
}

test('an hour whose runs were all taken back has sums of exactly 0 again', () => {
  const b = new HourBucket();
  const rows = [MAX_DURATION_SECONDS - 0.877, 0.1].map((d) => ({
    timestampMs: T0,
    command: 'x',
    succeeded: true,
    failedAttempts: 0,
    totalAttempts: 1,
    durationSeconds: d,
  }));
  for (const r of rows) b.add(r, poolId(1));
  for (const r of rows) b.remove(r, poolId(1));
  assert.equal(b.runs, 0);
  assert.equal(b.durationSum, 0);
  assert.equal(b.attempts, 0);
});

eachStore('runs at the largest allowed numbers keep every stat finite and integral', (h) => {
  const store = h.open();
  const attempts = Array.from({ length: MAX_ATTEMPTS }, (_, i): [number, boolean] => [
    MAX_DURATION_SECONDS,
    i === MAX_ATTEMPTS - 1,
  ]);
  const big = run('big', 'succeeded', attempts, T0 + MINUTE, { total_duration_seconds: MAX_DURATION_SECONDS });
  store.append(
    Array.from({ length: 50 }, () => big),
    T0,
  );
  const s = toApiStats(store.stats(T0, T0 + HOUR));
  assertFinite(s);
  assertIntegers(s);
  assert.equal(s.total_attempts, 50 * MAX_ATTEMPTS);
  assert.equal(s.average_duration, MAX_DURATION_SECONDS * 1e9);
  assertFinite(toApiCommands(store.commands(T0, T0 + HOUR, 10)));
});

eachStore(
  'a data file holding runs from before the limits gives finite stats, integers where documented',
  (h) => {
    const first = h.open();
    first.append([run('ok', 'succeeded', [[1, true]], T0 + MINUTE)], T0);
    first.close();
    // What an older patienced accepted and wrote.
    const db = new Database(h.dataFile ?? '');
    const insert = db.prepare(
      `INSERT INTO runs (ts_ms, received_ms, command, command_hash, succeeded, duration_s, total_attempts, successful_attempts, failed_attempts, attempts)
       VALUES (?, ?, 'poison', 'ffffffff', 1, ?, ?, 0, ?, '[]')`,
    );
    for (let i = 0; i < 3; i++) insert.run(T0 + 2 * MINUTE, T0, 1.7e308, 1e300, 1e300);
    db.close();

    const store = h.open({ ...NO_LIMITS });
    const s = toApiStats(store.stats(T0, T0 + HOUR));
    assertFinite(s);
    assertIntegers(s);
    assert.equal(s.total_runs, 4);
    assert.equal(s.total_attempts, 1 + 3 * MAX_ATTEMPTS);
    assert.ok(s.duration_seconds.max <= MAX_DURATION_SECONDS);
    // A query that covers the hour only in part reads the rows through SQL: clamped the same way.
    const partial = toApiStats(store.stats(T0 + 30_000, T0 + HOUR));
    assertFinite(partial);
    assertIntegers(partial);
    assert.deepEqual(
      [partial.total_runs, partial.total_attempts, partial.average_duration],
      [s.total_runs, s.total_attempts, s.average_duration],
    );
    const commands = toApiCommands(store.commands(T0, T0 + HOUR, 10));
    assertFinite(commands);
    // Clamped into today's ranges, as the aggregates read them.
    const poison = commands.commands.find((c) => c.command === 'poison');
    assert.deepEqual(
      [poison?.count, poison?.average_attempts, poison?.duration_seconds.max, poison?.rescued_runs],
      [3, MAX_ATTEMPTS, MAX_DURATION_SECONDS, 3],
    );
  },
  ['sqlite'],
);
