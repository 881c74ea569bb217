// recent() against brute force: random runs, evictions, expiries and a reopen, then
// random filters. In the SQLite store a command filter takes its ids from the run shadow
// (sqlite-shadow.ts) and the other filters are SQL (label filters with a command filter on
// pages of the shadow's ids): both must answer as the memory store.
import assert from 'node:assert/strict';
import type { RunRecord } from '../shared/run-record.ts';
import { recordCost } from './record-cost.ts';
import { hasLabels } from './label-match.ts';
import { HOUR, MINUTE, T0, eachStore, run } from './test-support.ts';
import type { LabelMatch, RecentQuery, Store } from './types.ts';
import { seeded } from '../../test/helpers/seeded.ts';

const SPAN = 10 * HOUR;
/** Commands that share parts, so a substring may match one, some or all of them. */
const COMMANDS = ['make test', 'make -C web test', 'curl -fsS https://a.example', 'curl https://b.example', 'ping db'];
/** From every command ('') through several to one, to none, and one in the wrong case. */
const PARTS = ['', 'e', 'make', 'test', 'curl', 'example', 'ping db', 'web', 'nothing', 'MAKE'];
/** Label keys and values: a run draws some, a filter any (a value of another key, one no run has). */
const LABEL_KEYS = ['env', 'team', 'a.b', '$'];
const LABEL_VALUES = ['prod', 'staging', '', 'web'];

const pick = <T>(rnd: () => number, from: readonly T[]): T => {
  const v = from[Math.floor(rnd() * from.length)];
  if (v === undefined) throw new Error('pick from an empty list');
  return v;
};

/** No labels, {}, or a few of LABEL_KEYS with values of LABEL_VALUES. */
function randomLabels(rnd: () => number): Record<string, string> | undefined {
  if (rnd() < 0.25) return undefined;
  const labels: Record<string, string> = {};
  for (const key of LABEL_KEYS) if (rnd() < 0.5) labels[key] = pick(rnd, LABEL_VALUES);
  return labels;
}

function randomLabelFilters(rnd: () => number): LabelMatch[] {
  return Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => ({
    key: pick(rnd, [...LABEL_KEYS, 'none']),
    value: pick(rnd, [...LABEL_VALUES, 'qa']),
  }));
}

function randomRun(rnd: () => number): RunRecord {
  // Skewed, as real commands are: the first is run far more often than the last.
  const command = COMMANDS[Math.floor(rnd() ** 2 * COMMANDS.length)] ?? '';
  const ok = rnd() < 0.7;
  const failures = Math.floor(rnd() * 3);
  const attempts: [number, boolean][] = [];
  for (let i = 0; i < failures; i++) attempts.push([rnd(), false]);
  attempts.push([rnd() * 3, ok]);
  const labels = randomLabels(rnd);
  return run(command, ok ? 'succeeded' : 'failed', attempts, T0 + rnd() * SPAN, labels === undefined ? {} : { labels });
}

function randomQuery(rnd: () => number): RecentQuery {
  const q: RecentQuery = { limit: 1 + Math.floor(rnd() ** 2 * 120) };
  if (rnd() < 0.8) q.command = PARTS[Math.floor(rnd() * PARTS.length)] ?? '';
  if (rnd() < 0.3) q.status = rnd() < 0.5 ? 'succeeded' : 'failed';
  if (rnd() < 0.3) q.sinceMs = T0 + rnd() * SPAN;
  if (rnd() < 0.3) q.untilMs = T0 + rnd() * SPAN;
  if (rnd() < 0.2) q.maxBytes = 300 + Math.floor(rnd() * 5000);
  if (rnd() < 0.4) q.labels = randomLabelFilters(rnd);
  return q;
}

/** What recent() must answer, from the runs the store should hold (by id). */
function expected(model: Map<number, RunRecord>, q: RecentQuery): { ids: number[]; truncated: boolean } {
  const ids: number[] = [];
  let bytes = 0;
  for (const id of [...model.keys()].sort((a, b) => b - a)) {
    if (ids.length === q.limit) break;
    const r = model.get(id);
    if (r === undefined) continue;
    if (q.command !== undefined && !r.command.includes(q.command)) continue;
    if (q.status !== undefined && r.final_status !== q.status) continue;
    if (q.sinceMs !== undefined && r.timestampMs < q.sinceMs) continue;
    if (q.untilMs !== undefined && r.timestampMs > q.untilMs) continue;
    if (!hasLabels(r.labels, q.labels ?? [])) continue;
    bytes += recordCost(r);
    if (bytes > (q.maxBytes ?? Infinity) && ids.length > 0) return { ids, truncated: true };
    ids.push(id);
  }
  return { ids, truncated: false };
}

function check(store: Store, model: Map<number, RunRecord>, q: RecentQuery): void {
  const got = store.recent(q);
  assert.deepEqual({ ids: got.runs.map((r) => r.id), truncated: got.truncated }, expected(model, q), JSON.stringify(q));
  for (const r of got.runs) assert.deepEqual(r.record, model.get(r.id));
}

eachStore('recent() with every filter matches brute force through appends, evictions and expiries', (h) => {
  const rnd = seeded(20261130);
  const limits = { maxRecords: 600, maxAgeMs: 7 * HOUR };
  let store = h.open(limits, T0);
  const model = new Map<number, RunRecord>();
  let now = T0;
  for (let step = 0; step < 40; step++) {
    const batch = Array.from({ length: 1 + Math.floor(rnd() * 60) }, () => randomRun(rnd));
    for (const s of store.append(batch, now)) model.set(s.id, s.record);
    const sorted = [...model.keys()].sort((a, b) => a - b);
    for (const id of sorted.slice(0, Math.max(0, sorted.length - limits.maxRecords))) model.delete(id);
    if (step % 8 === 7) {
      now += 50 * MINUTE;
      for (const [id, r] of model) if (r.timestampMs < now - limits.maxAgeMs) model.delete(id);
      store.removeExpired(now);
    }
    if (step === 20 && h.kind === 'sqlite') {
      store.close();
      store = h.open(limits, now);
    }
    for (let k = 0; k < 12; k++) check(store, model, randomQuery(rnd));
    for (const command of PARTS) check(store, model, { limit: 100, command });
  }
});
