// The run shadow on its own: removals from the head (eviction by count) and from anywhere
// (expiry), across compactions, must leave exactly the runs still held, in id order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { poolId } from './ids.ts';
import { RunShadow } from './sqlite-shadow.ts';
import { seeded } from '../../test/helpers/seeded.ts';

interface Run {
  id: number;
  ts: number;
  seconds: number;
  command: number;
  succeeded: boolean;
  rescued: boolean;
}

function push(shadow: RunShadow, r: Run): void {
  shadow.push(
    r.id,
    {
      timestampMs: r.ts,
      command: `cmd ${r.command}`,
      succeeded: r.succeeded,
      failedAttempts: r.rescued ? 1 : r.succeeded ? 0 : 2,
      totalAttempts: r.rescued ? 2 : 1,
      durationSeconds: r.seconds,
    },
    poolId(r.command),
  );
}

/** Every run held, oldest first, read back field by field. */
function held(shadow: RunShadow, wanted: Uint8Array): Run[] {
  const out: Run[] = [];
  shadow.newestOf(wanted, Infinity, (row) => {
    out.push({
      id: shadow.idAt(row),
      ts: shadow.timestampAt(row),
      seconds: shadow.durationAt(row),
      command: shadow.commandAt(row),
      succeeded: shadow.succeededAt(row),
      rescued: shadow.rescuedAt(row),
    });
    return true;
  });
  return out.reverse();
}

/** commandRuns for commands 3 (slot 1) and 5 (slot 2) in a range, against the model. */
function checkCommandRuns(shadow: RunShadow, model: Map<number, Run>, from: number, to: number): void {
  const slots = new Int32Array(8);
  slots[3] = 1;
  slots[5] = 2;
  const want = [3, 5].map((command) => {
    const rs = [...model.values()].filter((r) => r.command === command && r.ts >= from && r.ts <= to);
    return {
      count: rs.length,
      succeeded: rs.filter((r) => r.succeeded).length,
      rescued: rs.filter((r) => r.rescued).length,
      attempts: rs.reduce((n, r) => n + (r.rescued ? 2 : 1), 0),
      lastTs: Math.max(...rs.map((r) => r.ts)),
      durations: rs.map((r) => r.seconds),
    };
  });
  // Expected counts a little short for one command, long for the other: the arrays adapt.
  const got = shadow.commandRuns(slots, [(want[0]?.count ?? 0) - 3, (want[1]?.count ?? 0) + 5], from, to);
  assert.deepEqual(
    got.map((c) => ({ ...c, durations: Array.from(c.durations) })),
    want,
  );
}

/** Pages of random sizes, each from below the last row accepted, give what one call gives. */
function assertPagesAgree(shadow: RunShadow, wanted: Uint8Array, rnd: () => number): void {
  const whole = shadow.newestOf(wanted, Infinity, (row) => shadow.succeededAt(row));
  const paged: number[] = [];
  let below: number | undefined;
  for (;;) {
    const size = 1 + Math.floor(rnd() * 9000);
    let last = -1;
    const page = shadow.newestOf(
      wanted,
      size,
      (row) => {
        if (!shadow.succeededAt(row)) return false;
        last = row;
        return true;
      },
      below,
    );
    paged.push(...page);
    if (page.length < size) break;
    below = last;
  }
  assert.deepEqual(paged, whole);
  assert.deepEqual(
    shadow.newestOf(wanted, Infinity, () => true, 0),
    [],
  );
}

test('the shadow holds exactly the runs not removed, through head removals, holes and compactions', () => {
  const rnd = seeded(33);
  const shadow = new RunShadow();
  const model = new Map<number, Run>();
  const all = new Uint8Array(8).fill(1);
  let nextId = 1;
  for (let round = 0; round < 6; round++) {
    for (let i = 0; i < 12_000; i++) {
      const succeeded = rnd() < 0.7;
      const r: Run = {
        id: nextId++,
        ts: 1e12 + rnd() * 1e7,
        seconds: rnd() * 10,
        command: 1 + Math.floor(rnd() * 7),
        succeeded,
        rescued: succeeded && rnd() < 0.3,
      };
      push(shadow, r);
      model.set(r.id, r);
    }
    // The oldest 5,000 go (by count), then a random quarter of the rest (by age).
    const ids = [...model.keys()].sort((a, b) => a - b);
    for (const id of ids.slice(0, 5000)) {
      shadow.remove(id);
      model.delete(id);
    }
    for (const id of ids.slice(5000)) {
      if (rnd() < 0.25) {
        shadow.remove(id);
        model.delete(id);
      }
    }
    assert.deepEqual(held(shadow, all), [...model.values()], `round ${round}`);
    checkCommandRuns(shadow, model, 1e12 + 2e6, 1e12 + 7e6);
    const two = new Uint8Array(8);
    two[3] = two[5] = 1;
    const newest = [...model.values()]
      .filter((r) => (r.command === 3 || r.command === 5) && r.succeeded)
      .map((r) => r.id)
      .reverse()
      .slice(0, 50);
    assert.deepEqual(
      shadow.newestOf(two, 50, (row) => shadow.succeededAt(row)),
      newest,
    );
    assertPagesAgree(shadow, two, rnd);
  }
  assert.throws(() => shadow.remove(1), /does not hold/);
});
