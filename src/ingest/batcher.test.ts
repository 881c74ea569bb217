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
