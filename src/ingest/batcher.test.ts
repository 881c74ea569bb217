import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Batcher, type DocumentReply } from './batcher.ts';
import { IngestCounters } from './counters.ts';
import { DISK_FULL, FaultyStore } from '../store/fault-injection.ts';
import { DataFileMoved } from '../store/storage-error.ts';
import { NO_LIMITS, T0, run } from '../store/test-support.ts';
import { Ledger } from '../coordination/ledger.ts';

function harness(): {
  store: FaultyStore;
  counters: IngestCounters;
  batcher: Batcher;
  errors: unknown[];
  stored: number[];
} {
  const store = new FaultyStore(NO_LIMITS);
  const counters = new IngestCounters();
  const errors: unknown[] = [];
  const stored: number[] = [];
  const batcher = new Batcher({
    store,
    counters,
    now: () => T0,
    onStored: (runs) => stored.push(runs.length),
    onStoreError: (err) => errors.push(err),
  });
  return { store, counters, batcher, errors, stored };
}

/** Queues n records and flushes; resolves with their outcomes in order. */
function addAll(batcher: Batcher, n: number): DocumentReply[] {
  const out: DocumentReply[] = [];
  for (let i = 0; i < n; i++) batcher.add(run(`cmd-${i}`, 'succeeded', [[1, true]], T0), (o) => out.push(o));
  batcher.flush();
  return out;
}

test('a store that throws: every record of the batch gets storage_error, none is acknowledged or counted as received', () => {
  const h = harness();
  h.store.faults.set('append', DISK_FULL);
  const outcomes = addAll(h.batcher, 3);
  assert.equal(outcomes.length, 3);
  for (const o of outcomes) {
    assert.equal(o.ok, false);
    if (o.ok) continue;
    assert.equal(o.reason, 'storage_error');
    assert.match(
      o.error,
      /^storage_error: the record was not stored: database or disk is full \(SQLITE_FULL\); send it again/,
    );
  }
  assert.equal(h.counters.received, 0);
  assert.equal(h.counters.rejected.storage_error, 3);
  assert.deepEqual(h.errors, [DISK_FULL]);
  assert.deepEqual(h.stored, []);
});

test('once the store works again the next batch is acknowledged', () => {
  const h = harness();
  h.store.faults.set('append', DISK_FULL);
  addAll(h.batcher, 2);
  h.store.faults.delete('append');
  const outcomes = addAll(h.batcher, 2);
  assert.deepEqual(outcomes, [{ ok: true }, { ok: true }]);
  assert.equal(h.counters.received, 2);
  assert.equal(h.store.count(), 2);
});

test('a data file gone: the reply says which file, and rejections and answers of the batch keep their own replies', () => {
  const h = harness();
  h.store.faults.set('append', new DataFileMoved('data_file /x/d.db was deleted or renamed while patienced ran'));
  const out: DocumentReply[] = [];
  h.batcher.reject('invalid_json', 'invalid JSON: x', (o) => out.push(o));
  h.batcher.add(run('a', 'succeeded', [[1, true]], T0), (o) => out.push(o));
  h.batcher.answer({ status: 'ok', daemon: {} }, (o) => out.push(o));
  h.batcher.flush();
  assert.deepEqual(out[0], { ok: false, reason: 'invalid_json', error: 'invalid JSON: x' });
  assert.deepEqual(out[1], {
    ok: false,
    reason: 'storage_error',
    error:
      "storage_error: the record was not stored: data_file /x/d.db was deleted or renamed while patienced ran; send it again once the daemon's storage is fixed",
  });
  assert.deepEqual(out[2], { ok: true, answer: { status: 'ok', daemon: {} } });
});

test('acquires: decided in order, a grant stored in the batch before its answer; a storage fault grants nothing', () => {
  const store = new FaultyStore(NO_LIMITS);
  const ledger = new Ledger();
  const counts: string[] = [];
  const counters = new IngestCounters();
  const batcher = new Batcher({
    store,
    counters,
    now: () => T0,
    ledger,
    onAcquire: (r, g) => counts.push(`${r}:${g}`),
  });
  const ask = (out: DocumentReply[]): void =>
    batcher.acquire({ resource_id: 'r', rate_limit: 1, window_seconds: 10 }, (o) => out.push(o));

  const out: DocumentReply[] = [];
  ask(out);
  batcher.add(run('a', 'succeeded', [[1, true]], T0), (o) => out.push(o));
  ask(out);
  batcher.flush();
  assert.deepEqual(out, [
    { ok: true, answer: { status: 'ok', granted: true } },
    { ok: true },
    { ok: true, answer: { status: 'ok', granted: false, wait_until: new Date(T0 + 10_000).toISOString() } },
  ]);
  assert.equal(store.count(), 1);
  assert.deepEqual(
    store.grantBatches.map((b) => b.map((g) => g.resourceId)),
    [['r']],
    'one append holds the record and the grant',
  );
  assert.deepEqual(counts, ['r:false', 'r:true']);

  // A storage fault: the acquire is told storage_error and the slot stays free.
  store.faults.set('append', DISK_FULL);
  const failed: DocumentReply[] = [];
  batcher.acquire({ resource_id: 'other', rate_limit: 1, window_seconds: 10 }, (o) => failed.push(o));
  batcher.flush();
  assert.equal(failed[0]?.ok, false);
  assert.match(
    failed[0]?.ok === false ? failed[0].error : '',
    /^storage_error: no slot was granted: database or disk is full/,
  );
  assert.equal(counters.rejected.storage_error, 1);
  store.faults.delete('append');
  const retry: DocumentReply[] = [];
  batcher.acquire({ resource_id: 'other', rate_limit: 1, window_seconds: 10 }, (o) => retry.push(o));
  batcher.flush();
  assert.deepEqual(retry, [{ ok: true, answer: { status: 'ok', granted: true } }], 'the failed grant was taken back');
});

/** Resolves after the batcher's own setImmediate (scheduled earlier, so it runs first). */
const nextTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

test('group commit: everything queued in one turn is one store.append, answered only after it; the next turn is another', async () => {
  const h = harness();
  const out: DocumentReply[] = [];
  for (let i = 0; i < 5; i++) h.batcher.add(run(`cmd-${i}`, 'succeeded', [[1, true]], T0), (o) => out.push(o));
  assert.equal(h.batcher.pending, 5);
  assert.equal(out.length, 0, 'no reply before the batch is stored');
  assert.equal(h.store.calls.get('append') ?? 0, 0);
  await nextTurn();
  assert.equal(h.store.calls.get('append'), 1);
  assert.equal(h.store.count(), 5);
  assert.equal(out.length, 5);
  assert.deepEqual(h.stored, [5]);

  h.batcher.add(run('later', 'succeeded', [[1, true]], T0), (o) => out.push(o));
  await nextTurn();
  assert.equal(h.store.calls.get('append'), 2);
  assert.deepEqual(h.stored, [5, 1]);
  assert.equal(h.counters.received, 6);
});

test('a batch of only rejections and answers touches no store and stores nothing', async () => {
  const h = harness();
  const out: DocumentReply[] = [];
  h.batcher.reject('invalid_json', 'invalid JSON: x', (o) => out.push(o));
  h.batcher.answer({ status: 'ok' }, (o) => out.push(o));
  await nextTurn();
  assert.equal(h.store.calls.get('append') ?? 0, 0);
  assert.deepEqual(h.stored, [], 'onStored is not called for an empty commit');
  assert.deepEqual(out, [
    { ok: false, reason: 'invalid_json', error: 'invalid JSON: x' },
    { ok: true, answer: { status: 'ok' } },
  ]);
  assert.equal(h.counters.rejected.invalid_json, 1);
});

test('replies keep document order across kinds, rejections included, and each rejection is counted by its reason', () => {
  const h = harness();
  const order: string[] = [];
  const note =
    (name: string) =>
    (o: DocumentReply): void => {
      order.push(o.ok ? `${name}:ok${o.answer ? `:${JSON.stringify(o.answer)}` : ''}` : `${name}:${o.reason}`);
    };
  h.batcher.add(run('a', 'succeeded', [[1, true]], T0), note('0'));
  h.batcher.reject('invalid_record', 'command: required', note('1'));
  h.batcher.answer({ status: 'ok', daemon: 1 }, note('2'));
  h.batcher.add(run('b', 'failed', [[1, false, 1]], T0), note('3'));
  h.batcher.reject('unsupported_type', 'type: x', note('4'));
  h.batcher.reject('invalid_record', 'attempts: required', note('5'));
  h.batcher.add(run('c', 'succeeded', [[1, true]], T0), note('6'));
  h.batcher.flush();
  assert.deepEqual(order, [
    '0:ok',
    '1:invalid_record',
    '2:ok:{"status":"ok","daemon":1}',
    '3:ok',
    '4:unsupported_type',
    '5:invalid_record',
    '6:ok',
  ]);
  assert.equal(h.counters.received, 3);
  assert.equal(h.counters.rejected.invalid_record, 2);
  assert.equal(h.counters.rejected.unsupported_type, 1);
});

test('onStored is called once per committed batch, after the commit: the store already holds the runs it is given', () => {
  const store = new FaultyStore(NO_LIMITS);
  const seen: { commands: string[]; countThen: number }[] = [];
  const batcher = new Batcher({
    store,
    counters: new IngestCounters(),
    now: () => T0,
    onStored: (runs) => seen.push({ commands: runs.map((r) => r.record.command), countThen: store.count() }),
  });
  batcher.add(run('a', 'succeeded', [[1, true]], T0), () => undefined);
  batcher.reject('invalid_json', 'x', () => undefined);
  batcher.add(run('b', 'succeeded', [[1, true]], T0), () => undefined);
  batcher.flush();
  assert.deepEqual(seen, [{ commands: ['a', 'b'], countThen: 2 }]);

  store.faults.set('append', DISK_FULL);
  batcher.add(run('c', 'succeeded', [[1, true]], T0), () => undefined);
  batcher.flush();
  assert.equal(seen.length, 1, 'a failed commit publishes nothing');
});

test('a storage fault: every record and grant of the batch is refused with storage_error, nothing acknowledged; other entries keep their replies', () => {
  const store = new FaultyStore(NO_LIMITS);
  const ledger = new Ledger();
  const counters = new IngestCounters();
  const acquires: string[] = [];
  const stored: number[] = [];
  const batcher = new Batcher({
    store,
    counters,
    now: () => T0,
    ledger,
    onAcquire: (r, g) => acquires.push(`${r}:${g}`),
    onStored: (runs) => stored.push(runs.length),
  });
  store.faults.set('append', DISK_FULL);
  const out: DocumentReply[] = [];
  const push = (o: DocumentReply): number => out.push(o);
  batcher.add(run('a', 'succeeded', [[1, true]], T0), push);
  batcher.acquire({ resource_id: 'r', rate_limit: 1, window_seconds: 10 }, push);
  batcher.reject('invalid_json', 'invalid JSON: x', push);
  batcher.answer({ status: 'ok' }, push);
  batcher.add(run('b', 'succeeded', [[1, true]], T0), push);
  batcher.flush();
  assert.deepEqual(
    out.map((o) => (o.ok ? 'ok' : o.reason)),
    ['storage_error', 'storage_error', 'invalid_json', 'ok', 'storage_error'],
  );
  assert.ok(
    out.every((o) => o.ok === false || o.answer !== undefined),
    'nothing acknowledged as stored or granted',
  );
  assert.equal(counters.received, 0);
  assert.equal(counters.rejected.storage_error, 3);
  assert.equal(counters.rejected.invalid_json, 1);
  assert.deepEqual(acquires, [], 'a grant not stored is not counted as granted');
  assert.deepEqual(stored, []);
  assert.equal(ledger.grantsHeld, 0, 'the grant was taken back');
});

test('acquires are decided in document order within a batch: earlier grants count against later requests', () => {
  const store = new FaultyStore(NO_LIMITS);
  const batcher = new Batcher({
    store,
    counters: new IngestCounters(),
    now: () => T0,
    ledger: new Ledger({ maxResources: 2 }),
  });
  const out: string[] = [];
  const ask = (id: string, limit: number): void =>
    batcher.acquire({ resource_id: id, rate_limit: limit, window_seconds: 10 }, (o) =>
      out.push(o.ok ? `${id}:${o.answer?.granted === true ? 'granted' : 'wait'}` : `${id}:${o.reason}`),
    );
  ask('a', 2);
  ask('b', 1);
  ask('a', 2);
  ask('b', 1);
  ask('c', 1);
  ask('a', 2);
  batcher.flush();
  assert.deepEqual(out, ['a:granted', 'b:granted', 'a:granted', 'b:wait', 'c:coordination_full', 'a:wait']);
  assert.deepEqual(
    store.grantBatches.map((g) => g.map((x) => x.resourceId)),
    [['a', 'b', 'a']],
    'the grants, in order, in the one append',
  );
});

test('without a ledger an acquire is refused as unsupported_type, in its place', () => {
  const h = harness();
  const out: DocumentReply[] = [];
  h.batcher.add(run('a', 'succeeded', [[1, true]], T0), (o) => out.push(o));
  h.batcher.acquire({ resource_id: 'r', rate_limit: 1, window_seconds: 1 }, (o) => out.push(o));
  h.batcher.flush();
  assert.deepEqual(out, [
    { ok: true },
    {
      ok: false,
      reason: 'unsupported_type',
      error: 'type: coordination request "acquire" is not supported by this daemon',
    },
  ]);
});
