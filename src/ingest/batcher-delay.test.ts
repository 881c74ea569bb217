// The batcher with a commit delay (a data file): a small batch waits, on a timer the test
// fires by hand, for the documents of later turns; a clock the store advances makes each
// commit as slow as the test says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Batcher, type DocumentReply } from './batcher.ts';
import { CommitDelay, FULL_BATCH, MAX_COMMIT_DELAY_MS, type DelayTimer } from './commit-delay.ts';
import { IngestCounters } from './counters.ts';
import { DISK_FULL, FaultyStore } from '../store/fault-injection.ts';
import { NO_LIMITS, T0, run } from '../store/test-support.ts';
import type { RunRecord } from '../shared/run-record.ts';
import type { PersistedGrant, StoredRun } from '../store/types.ts';

/** Timers that only fire when the test says so. */
class ManualTimer implements DelayTimer {
  readonly running = new Set<{ fire: () => void; ms: number }>();
  /** Every wait ever asked for, in ms. */
  readonly asked: number[] = [];
  set(fire: () => void, ms: number): unknown {
    const t = { fire, ms };
    this.running.add(t);
    this.asked.push(ms);
    return t;
  }
  clear(handle: unknown): void {
    this.running.delete(handle as { fire: () => void; ms: number });
  }
  /** Fires every running timer (each once). */
  fireAll(): void {
    const due = [...this.running];
    this.running.clear();
    for (const t of due) t.fire();
  }
}

/** A store whose every append takes `commitMs` on the test's clock. */
class SlowStore extends FaultyStore {
  constructor(
    private readonly clock: { ms: number },
    public commitMs: number,
  ) {
    super(NO_LIMITS);
  }
  override append(records: RunRecord[], receivedAtMs: number, grants?: readonly PersistedGrant[]): StoredRun[] {
    this.clock.ms += this.commitMs;
    return super.append(records, receivedAtMs, grants);
  }
}

function harness(commitMs = 1, expected = 1) {
  const clock = { ms: 0 };
  const store = new SlowStore(clock, commitMs);
  const timer = new ManualTimer();
  const state = { expected };
  const delay = new CommitDelay({ expected: () => state.expected, clock: () => clock.ms, timer });
  const counters = new IngestCounters();
  const batches: number[] = [];
  const batcher = new Batcher({
    store,
    counters,
    now: () => T0,
    commitDelay: delay,
    onStored: (runs) => batches.push(runs.length),
  });
  const out: DocumentReply[] = [];
  const add = (n: number, tag = 'r'): void => {
    for (let i = 0; i < n; i++) batcher.add(run(`${tag}-${i}`, 'succeeded', [[1, true]], T0), (o) => out.push(o));
  };
  return { store, timer, state, delay, counters, batcher, batches, out, add };
}

/** Resolves after the batcher's own setImmediate (scheduled earlier, so it runs first). */
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Commits one record with nothing else expected, so the delay has timed a commit. */
async function primed(commitMs = 1): Promise<ReturnType<typeof harness>> {
  const h = harness(commitMs, 0);
  h.add(1, 'prime');
  await nextTurn();
  assert.deepEqual(h.batches, [1], 'with nothing expected the first batch is committed on the next turn');
  assert.equal(h.timer.asked.length, 0);
  h.state.expected = 1;
  h.out.length = 0;
  return h;
}

test('commit delay: documents of later turns join the waiting batch, one store.append for all, answered after it in order', async () => {
  const h = await primed(1);
  h.add(1, 'a');
  await nextTurn();
  assert.deepEqual(h.timer.asked, [1], 'the batch waits about as long as a commit takes');
  assert.equal(h.store.calls.get('append'), 1, 'nothing committed while it waits');
  h.add(2, 'b');
  await nextTurn();
  h.add(1, 'c');
  await nextTurn();
  assert.equal(h.timer.asked.length, 1, 'one wait for the whole batch');
  assert.equal(h.out.length, 0, 'no reply before the batch is stored');
  h.timer.fireAll();
  assert.equal(h.store.calls.get('append'), 2);
  assert.deepEqual(h.batches, [1, 4]);
  assert.equal(h.out.length, 4);
  assert.deepEqual(
    h.store.recent({ limit: 4 }).runs.map((r) => r.record.command),
    ['c-0', 'b-1', 'b-0', 'a-0'],
    'stored in document order',
  );
  assert.equal(h.counters.received, 5);

  // The next entry starts a wait of its own.
  h.add(1, 'd');
  await nextTurn();
  assert.equal(h.timer.running.size, 1);
  h.timer.fireAll();
  assert.deepEqual(h.batches, [1, 4, 1]);
});

test('commit delay: the wait never exceeds its cap however slow commits are', async () => {
  const h = await primed(50);
  h.add(1);
  await nextTurn();
  assert.deepEqual(h.timer.asked, [MAX_COMMIT_DELAY_MS]);
});

test('commit delay: none when commits are fast, or when no other document is on its way', async () => {
  const fast = await primed(0.01);
  fast.add(1);
  await nextTurn();
  assert.deepEqual(fast.batches, [1, 1], 'a fast commit is not worth waiting for');
  assert.equal(fast.timer.asked.length, 0);

  const alone = await primed(1);
  alone.state.expected = 0;
  alone.add(1);
  await nextTurn();
  assert.deepEqual(alone.batches, [1, 1], 'a lone client never waits');
  assert.equal(alone.timer.asked.length, 0);
});

test('commit delay: a batch that fills up while it waits is committed on the next turn, without the timer', async () => {
  const h = await primed(1);
  h.add(1, 'first');
  await nextTurn();
  assert.equal(h.timer.running.size, 1);
  h.add(FULL_BATCH - 1, 'more');
  assert.equal(h.timer.running.size, 0, 'the wait is called off');
  await nextTurn();
  assert.deepEqual(h.batches, [1, FULL_BATCH]);
  assert.equal(h.out.length, FULL_BATCH);

  // A batch full on its first turn never waits.
  h.add(FULL_BATCH, 'burst');
  await nextTurn();
  assert.deepEqual(h.batches, [1, FULL_BATCH, FULL_BATCH]);
  assert.equal(h.timer.asked.length, 1);
});

test('commit delay: flush() (the drain on shutdown) commits a waiting batch at once, and the wait then does nothing', async () => {
  const h = await primed(1);
  h.add(3);
  await nextTurn();
  assert.equal(h.timer.running.size, 1);
  h.batcher.flush();
  assert.deepEqual(h.batches, [1, 3]);
  assert.equal(h.out.length, 3);
  assert.equal(h.timer.running.size, 0, 'the timer is cleared');
  assert.equal(h.batcher.pending, 0);
  await nextTurn();
  assert.deepEqual(h.batches, [1, 3], 'nothing more');
});

test('commit delay: a storage fault after the wait fails every record of the batch; other entries keep their replies', async () => {
  const h = await primed(1);
  h.store.faults.set('append', DISK_FULL);
  h.add(1, 'a');
  await nextTurn();
  h.batcher.reject('invalid_json', 'invalid JSON: x', (o) => h.out.push(o));
  h.add(1, 'b');
  await nextTurn();
  h.timer.fireAll();
  assert.deepEqual(
    h.out.map((o) => (o.ok ? 'ok' : o.reason)),
    ['storage_error', 'invalid_json', 'storage_error'],
  );
  assert.equal(h.counters.received, 1, 'only the primed record');
  assert.equal(h.counters.rejected.storage_error, 2);
  assert.deepEqual(h.batches, [1], 'nothing published');
});

test('commit delay: the time of a failed commit still counts, and the smoothed time follows the commits', async () => {
  const h = await primed(2);
  assert.equal(h.delay.smoothedCommitMs, 2);
  h.store.commitMs = 0;
  h.store.faults.set('append', DISK_FULL);
  h.state.expected = 0;
  h.add(1);
  await nextTurn();
  assert.equal(h.delay.smoothedCommitMs, 1.5, 'a quarter of the way to the newest commit');
});
