// Ranges whose both bounds fall inside hours, over many commands and several shadow chunks:
// the SQLite store summarises those edge hours from its run shadow the way the memory store
// does from its columns, so both must give the same stats and command table to the bit,
// and both must agree with brute force. Evictions leave stale hours and a compaction of
// the shadow; runs arrive mostly in time order with some stragglers, as in a real day.
// With a command filter both summarise the hours it matches in part in one pass of their
// own: again the same to the bit, and a filter every command passes gives the unfiltered
// answer exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunRecord } from '../shared/run-record.ts';
import { openStore } from './index.ts';
import { HOUR, NO_LIMITS, T0, run } from './test-support.ts';
import type { Store } from './types.ts';
import { seeded } from '../../test/helpers/seeded.ts';

const SPAN = 8 * HOUR;
const COMMANDS = 600;
const BATCH = 1000;

function randomRuns(n: number, seed: number, from: number): RunRecord[] {
  const rnd = seeded(seed);
  const out: RunRecord[] = [];
  for (let i = 0; i < n; i++) {
    // In time order with jitter; one run in twenty anywhere in the span.
    const ts = rnd() < 0.05 ? T0 + rnd() * SPAN : from + (i / n) * (SPAN / 2) + rnd() * 10 * 60_000;
    const ok = rnd() < 0.7;
    const tries = 1 + Math.floor(rnd() * 3);
    const attempts: [number, boolean][] = [];
    for (let a = 0; a < tries; a++) attempts.push([Math.exp(rnd() * 10 - 4), ok && a === tries - 1]);
    out.push(run(`job ${Math.floor(rnd() ** 2 * COMMANDS)}`, ok ? 'succeeded' : 'failed', attempts, ts));
  }
  return out;
}

function fill(store: Store, runs: RunRecord[]): void {
  for (let i = 0; i < runs.length; i += BATCH) store.append(runs.slice(i, i + BATCH), T0 + SPAN);
}

/** Both bounds strictly inside an hour of the span. */
function midHourRange(rnd: () => number): [number, number] {
  const a = T0 + Math.floor(rnd() * 4) * HOUR + 1 + Math.floor(rnd() * (HOUR - 2));
  const b = T0 + (4 + Math.floor(rnd() * 4)) * HOUR + 1 + Math.floor(rnd() * (HOUR - 2));
  return [a, b];
}

function bruteCounts(runs: RunRecord[], start: number, end: number, part = ''): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of runs)
    if (r.timestampMs >= start && r.timestampMs <= end && r.command.includes(part))
      counts.set(r.command, (counts.get(r.command) ?? 0) + 1);
  return counts;
}

/** Several commands (job 42, job 420..429), one (job 0), and none: across the stores and against brute force. */
const SOME = ['job 42', 'job 0', 'nothing', 'JOB'];

test('memory and SQLite agree to the bit on ranges with both bounds inside hours, and with brute force', () => {
  const dir = mkdtempSync(join(tmpdir(), 'patience-edges-'));
  // 20,000 runs, 10,000 kept: the oldest half is evicted (stale hours, a shadow compaction),
  // then 6,000 more arrive after the compaction.
  const limits = { ...NO_LIMITS, maxRecords: 10_000 };
  const memory = openStore({ limits, now: () => T0 + SPAN });
  const sqlite = openStore({ dataFile: join(dir, 'runs.db'), limits, now: () => T0 + SPAN });
  try {
    const first = randomRuns(20_000, 7, T0);
    const later = randomRuns(6_000, 8, T0 + SPAN / 2);
    for (const s of [memory, sqlite]) {
      fill(s, first);
      fill(s, later);
    }
    const kept = [...first, ...later].slice(-10_000);
    assert.equal(sqlite.count(), kept.length);
    const rnd = seeded(9);
    for (let q = 0; q < 12; q++) {
      const [start, end] = midHourRange(rnd);
      const stats = sqlite.stats(start, end);
      assert.deepEqual(stats, memory.stats(start, end), `stats ${q}`);
      const table = sqlite.commands(start, end, 100);
      assert.deepEqual(table, memory.commands(start, end, 100), `commands ${q}`);
      const counts = bruteCounts(kept, start, end);
      assert.equal(
        stats.totalRuns,
        [...counts.values()].reduce((a, b) => a + b, 0),
        `runs ${q}`,
      );
      assert.ok(stats.topCommands.length > 0);
      for (const c of stats.topCommands) assert.equal(c.count, counts.get(c.command), `${c.command} in ${q}`);
      // Every command has "job " (and '' is in every text): such a filter merges exactly as no filter does.
      assert.deepEqual(sqlite.stats(start, end, { command: 'job' }), stats, `stats job ${q}`);
      assert.deepEqual(memory.stats(start, end, { command: 'job ' }), stats, `stats job ${q}`);
      assert.deepEqual(memory.commands(start, end, 100, { command: '' }), table, `commands '' ${q}`);
      for (const part of SOME) {
        const filtered = sqlite.stats(start, end, { command: part });
        assert.deepEqual(filtered, memory.stats(start, end, { command: part }), `stats ${part} ${q}`);
        const table = sqlite.commands(start, end, 100, { command: part });
        assert.deepEqual(table, memory.commands(start, end, 100, { command: part }), `commands ${part} ${q}`);
        const want = bruteCounts(kept, start, end, part);
        if (part === 'job 42') assert.ok(want.size > 1, `several commands in ${q}`);
        assert.equal(
          filtered.totalRuns,
          [...want.values()].reduce((a, b) => a + b, 0),
          `runs ${part} ${q}`,
        );
        assert.deepEqual(new Map(table.commands.map((c) => [c.command, c.count])), want, `commands ${part} ${q}`);
      }
    }
  } finally {
    memory.close();
    sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
