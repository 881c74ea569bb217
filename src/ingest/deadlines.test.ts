// The deadline and shedding decisions, driven by a hand-held clock and sweep count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_DEADLINES,
  LIFO_AFTER_MS,
  SHED_AFTER_MS,
  SHED_AFTER_SWEEPS,
  expiryOf,
  isStale,
  pickDrop,
  pickWaiter,
  stalest,
  type ConnectionClock,
  type WaiterView,
} from './deadlines.ts';

const d = DEFAULT_DEADLINES;
const conn = (o: Partial<ConnectionClock> = {}): ConnectionClock => ({
  documentSince: 0,
  sweepMark: 0,
  documents: 0,
  partialBytes: 0,
  pending: 0,
  writeBlockedSince: undefined,
  ...o,
});

test('the document deadline counts from the start or the previous document, never from the last byte', () => {
  // A dripping client: partial bytes keep arriving, but documentSince only moves when a document completes.
  const drip = conn({ partialBytes: 37 });
  assert.equal(expiryOf(drip, d.documentMs - 1, d), undefined);
  assert.equal(expiryOf(drip, d.documentMs, d), 'document_timeout');
  // Silent from the start.
  assert.equal(expiryOf(conn(), d.documentMs, d), 'document_timeout');
  // Finished its documents, then quiet: closed without an error.
  assert.equal(expiryOf(conn({ documents: 3, documentSince: 1000 }), 1000 + d.documentMs, d), 'idle');
  assert.equal(expiryOf(conn({ documents: 3, documentSince: 1000 }), 999 + d.documentMs, d), undefined);
});

test('replies still being stored hold the document deadline off', () => {
  assert.equal(expiryOf(conn({ pending: 2 }), d.documentMs * 3, d), undefined);
});

test('a client that stops reading is destroyed after the write deadline, whatever else holds', () => {
  const blocked = conn({ documents: 4000, documentSince: 10_000, writeBlockedSince: 10_000 });
  assert.equal(expiryOf(blocked, 10_000 + d.writeMs - 1, d), undefined);
  assert.equal(expiryOf(blocked, 10_000 + d.writeMs, d), 'write_timeout');
  assert.equal(expiryOf({ ...blocked, pending: 5 }, 10_000 + d.writeMs, d), 'write_timeout');
  // Its document deadline running out first still ends it as a write problem: a polite close would never finish.
  assert.equal(expiryOf(conn({ documentSince: 0, writeBlockedSince: 4000 }), d.documentMs, d), 'write_timeout');
});

test('a connection is stale only after SHED_AFTER_SWEEPS sweeps and SHED_AFTER_MS without a document', () => {
  const c = conn({ documentSince: 1000, sweepMark: 7 });
  assert.equal(isStale(c, 7 + SHED_AFTER_SWEEPS, 1000 + SHED_AFTER_MS), true);
  // A long stall of the daemon's own event loop is not the client's fault: no sweeps ran meanwhile.
  assert.equal(isStale(c, 7 + SHED_AFTER_SWEEPS - 1, 1000 + 60_000), false);
  // Sweeps ran, but too little time passed for a busy client to have sent its document.
  assert.equal(isStale(c, 7 + 50, 1000 + SHED_AFTER_MS - 1), false);
  assert.equal(isStale({ ...c, pending: 1 }, 100, 100_000), false);
});

test('the stalest connection is the one waiting longest for its current document', () => {
  const a = conn({ documentSince: 300 });
  const b = conn({ documentSince: 100, partialBytes: 5 });
  const busy = conn({ documentSince: 0, pending: 1 });
  const fresh = conn({ documentSince: 0, sweepMark: 9 });
  assert.equal(stalest([a, busy, b, fresh], 10, 1000), b);
  assert.equal(stalest([busy, fresh], 10, 1000), undefined);
  assert.equal(stalest([], 10, 1000), undefined);
});

const w = (since: number, readiness: WaiterView['readiness']): WaiterView => ({ since, readiness });

test('a stale slot goes only to a waiter that has sent one whole document', () => {
  const line = [w(0, 'nothing'), w(10, 'stream'), w(20, 'nothing')];
  assert.equal(pickWaiter(line, 30, true), undefined, 'silent and flooding newcomers never evict');
  assert.equal(pickWaiter([...line, w(25, 'document')], 30, true), 3);
  // A free slot goes to anyone: documents, then the rest, streams last.
  assert.equal(pickWaiter(line, 30, false), 0);
  assert.equal(pickWaiter([w(10, 'stream')], 30, false), 0);
  assert.equal(pickWaiter([w(0, 'nothing'), w(5, 'nothing')], 30, false), 0);
  assert.equal(pickWaiter([], 30, false), undefined);
});

test('waiters are served oldest first while the line moves, newest first once it stalls', () => {
  const line = [w(1000, 'document'), w(1040, 'nothing'), w(1050, 'document'), w(1090, 'document')];
  assert.equal(pickWaiter(line, 1000 + LIFO_AFTER_MS - 1, false), 0);
  assert.equal(pickWaiter(line, 1000 + LIFO_AFTER_MS, false), 3);
});

test('a full line gives up the oldest place of the least ready kind', () => {
  assert.equal(pickDrop([w(0, 'document'), w(1, 'stream'), w(2, 'nothing'), w(3, 'nothing')]), 2);
  assert.equal(pickDrop([w(0, 'document'), w(1, 'stream')]), 1);
  assert.equal(pickDrop([w(0, 'document'), w(1, 'document')]), 0);
  assert.equal(pickDrop([]), undefined);
});
