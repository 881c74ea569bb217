// The aggregates against brute force: random runs (out of order, on hour boundaries,
// zero and tiny durations), random evictions and expiries, and random ranges, compared
// with stats computed from a plain list of the runs the store should still hold; with a
// command filter too, against the runs whose command contains it.
import assert from 'node:assert/strict';
import type { RunRecord } from '../shared/run-record.ts';
import { HOUR, MINUTE, T0, eachStore, run, within1Percent } from './test-support.ts';
import type { Store } from './types.ts';
import type { StatsResult } from '../shared/api/metrics.ts';
import { seeded } from '../../test/helpers/seeded.ts';
// The store's figures as the API shows them (src/http/wire/stats.ts), so that these tests also pin the wire values.
import { toApiStats } from '../http/wire/stats.ts';

const SPAN = 10 * HOUR;
/** Each command is in one of three groups, so that a part may match one, several, all or none. */
const GROUPS = ['web', 'db', 'ci'];
/** Every command (''), all by a shared part, a group, two groups, one command, none, one in the wrong case. */
const PARTS = ['', 'cmd ', 'web', 'b', 'cmd b db', 'x', 'CMD'];

function randomRun(rnd: () => number): RunRecord {
  const pick = rnd();
  // Timestamps: mostly anywhere, some on an hour's first or last millisecond, some fractional.
  const ts =
    pick < 0.1
      ? T0 + Math.floor(rnd() * 10) * HOUR
      : pick < 0.2
        ? T0 + Math.floor(rnd() * 10 + 1) * HOUR - 1
        : T0 + rnd() * SPAN;
  const n = 1 + Math.floor(rnd() * 4);
  const letter = Math.floor(rnd() * 15);
  const succeeded = rnd() < 0.7;
  const attempts: [number, boolean][] = [];
  for (let i = 0; i < n; i++) {
    const d = rnd();
    const seconds = d < 0.05 ? 0 : d < 0.1 ? 1e-6 * (1 + rnd()) : Math.exp(rnd() * 12 - 4);
    attempts.push([seconds, succeeded && i === n - 1]);
  }
  return run(
    `cmd ${String.fromCharCode(97 + letter)} ${GROUPS[letter % 3]}`,
    succeeded ? 'succeeded' : 'failed',
    attempts,
    ts,
  );
}

function expected(runs: RunRecord[], start: number, end: number): StatsResult {
  const inRange = runs.filter((r) => r.timestampMs >= start && r.timestampMs <= end);
  const n = inRange.length;
  const ok = inRange.filter((r) => r.final_status === 'succeeded');
  const durations = inRange.map((r) => r.total_duration_seconds).sort((a, b) => a - b);
  const sum = durations.reduce((a, b) => a + b, 0);
  const rank = (q: number): number => durations[Math.max(1, Math.ceil(q * n)) - 1] ?? 0;
  const byCommand = new Map<string, RunRecord[]>();
  const byHour = new Map<number, RunRecord[]>();
  for (const r of inRange) {
    byCommand.set(r.command, [...(byCommand.get(r.command) ?? []), r]);
    const h = Math.floor(r.timestampMs / HOUR);
    byHour.set(h, [...(byHour.get(h) ?? []), r]);
  }
  const rate = (rs: RunRecord[]): number => rs.filter((r) => r.final_status === 'succeeded').length / rs.length;
  return {
    time_range: { start: '', end: '' },
    total_runs: n,
    successful_runs: ok.length,
    failed_runs: n - ok.length,
    success_rate: n ? ok.length / n : 0,
    average_attempts: n ? inRange.reduce((a, r) => a + r.total_attempts, 0) / n : 0,
    average_duration: n ? Math.round((sum / n) * 1e9) : 0,
    average_duration_seconds: n ? sum / n : 0,
    duration_seconds: n
      ? { p50: rank(0.5), p90: rank(0.9), p99: rank(0.99), max: durations[n - 1] ?? 0 }
      : { p50: 0, p90: 0, p99: 0, max: 0 },
    rescued_runs: ok.filter((r) => r.failed_attempts > 0).length,
    total_attempts: inRange.reduce((a, r) => a + r.total_attempts, 0),
    top_commands: [...byCommand]
      .sort(([a, ra], [b, rb]) => rb.length - ra.length || (a < b ? -1 : 1))
      .slice(0, 10)
      .map(([command, rs]) => ({
        command,
        count: rs.length,
        success_rate: rate(rs),
        avg_duration: Math.round((rs.reduce((a, r) => a + r.total_duration_seconds, 0) / rs.length) * 1e9),
      })),
    hourly_breakdown: [...byHour]
      .sort(([a], [b]) => a - b)
      .map(([h, rs]) => ({
        hour: new Date(h * HOUR).toISOString().replace('.000Z', 'Z'),
        total_runs: rs.length,
        success_rate: rate(rs),
      })),
  };
}

const close = (a: number, b: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

function compare(store: Store, runs: RunRecord[], start: number, end: number, command?: string): void {
  const got = toApiStats(store.stats(start, end, { command }));
  const want = expected(command === undefined ? runs : runs.filter((r) => r.command.includes(command)), start, end);
  const where = `range ${start - T0}..${end - T0}${command === undefined ? '' : ` command=${JSON.stringify(command)}`}`;
  assert.equal(got.total_runs, want.total_runs, where);
  assert.equal(got.successful_runs, want.successful_runs, where);
  assert.equal(got.rescued_runs, want.rescued_runs, where);
  assert.equal(got.total_attempts, want.total_attempts, where);
  close(got.average_attempts, want.average_attempts, `${where} average_attempts`);
  close(got.average_duration_seconds, want.average_duration_seconds, `${where} average_duration_seconds`);
  assert.ok(Math.abs(got.average_duration - want.average_duration) <= 1, `${where} average_duration`);
  assert.equal(got.duration_seconds.max, want.duration_seconds.max, `${where} max`);
  for (const q of ['p50', 'p90', 'p99'] as const) {
    // Durations of zero stay zero; anything else within 1%.
    within1Percent(got.duration_seconds[q], want.duration_seconds[q], `${where} ${q}`);
  }
  assert.deepEqual(
    got.top_commands.map((c) => [c.command, c.count]),
    want.top_commands.map((c) => [c.command, c.count]),
    `${where} top_commands`,
  );
  for (const [i, c] of got.top_commands.entries()) {
    close(c.success_rate, want.top_commands[i]?.success_rate ?? NaN, `${where} ${c.command} success_rate`);
    assert.ok(
      Math.abs(c.avg_duration - (want.top_commands[i]?.avg_duration ?? NaN)) <= 1,
      `${where} ${c.command} avg_duration`,
    );
  }
  assert.deepEqual(got.hourly_breakdown, want.hourly_breakdown, where);
}

function randomRange(rnd: () => number): [number, number] {
  const edge = (): number => {
    const p = rnd();
    if (p < 0.3) return T0 + Math.floor(rnd() * 11) * HOUR - (rnd() < 0.5 ? 1 : 0);
    return T0 - HOUR + rnd() * (SPAN + 2 * HOUR);
  };
  const a = edge();
  const b = edge();
  return a <= b ? [a, b] : [b, a];
}

eachStore('stats match brute force through random appends, evictions and expiries', (h) => {
  const rnd = seeded(20261126);
  const limits = { maxRecords: 700, maxAgeMs: 6 * HOUR };
  let store = h.open(limits, T0);
  const model = new Map<number, RunRecord>();
  let now = T0;
  for (let step = 0; step < 60; step++) {
    const batch = Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => randomRun(rnd));
    for (const s of store.append(batch, now)) model.set(s.id, s.record);
    const sorted = [...model.keys()].sort((a, b) => a - b);
    for (const id of sorted.slice(0, Math.max(0, sorted.length - limits.maxRecords))) model.delete(id);
    if (step % 10 === 9) {
      now += 45 * MINUTE;
      const cutoff = now - limits.maxAgeMs;
      let gone = 0;
      for (const [id, r] of model) if (r.timestampMs < cutoff && model.delete(id)) gone++;
      assert.equal(store.removeExpired(now), gone);
    }
    if (step === 30 && h.kind === 'sqlite') {
      store.close();
      store = h.open(limits, now);
    }
    assert.equal(store.count(), model.size);
    const runs = [...model.values()];
    // Filtered first: an hour left stale by the removals must be put right by whichever query meets it first.
    for (const part of PARTS) compare(store, runs, T0 - HOUR, T0 + SPAN + HOUR, part);
    for (let k = 0; k < 8; k++) {
      const [start, end] = randomRange(rnd);
      compare(store, runs, start, end, PARTS[k % PARTS.length]);
      compare(store, runs, start, end);
    }
    compare(store, runs, T0 - HOUR, T0 + SPAN + HOUR);
  }
});
