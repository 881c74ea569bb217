// The listener's slots, waiting line and sweep over real Unix sockets, with the clock and
// the sweeps driven by hand (sweepMs 0: no timer runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openStore } from '../store/index.ts';
import { DISK_FULL, FaultyStore } from '../store/fault-injection.ts';
import type { Store } from '../store/types.ts';
import { Ledger } from '../coordination/ledger.ts';
import { Batcher } from './batcher.ts';
import { IngestCounters } from './counters.ts';
import { IngestServer } from './server.ts';
import { CommitDelay } from './commit-delay.ts';

const RECORD = JSON.stringify({
  command: 'ok',
  final_status: 'succeeded',
  total_duration_seconds: 1,
  attempts: [{ duration_seconds: 1, exit_code: 0, success: true }],
});

interface Extra {
  store?: Store;
  ledger?: Ledger;
  commitDelay?: CommitDelay;
}

async function setup(maxConnections: number, waitMs = 5000, extra: Extra = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ingest-server-'));
  // A real date: records before 2000 are refused at ingest.
  const clock = { ms: Date.UTC(2026, 0, 1) };
  const now = (): number => clock.ms;
  const store = extra.store ?? openStore({ limits: { maxRecords: 100, maxAgeMs: 3_600_000 }, now });
  const counters = new IngestCounters();
  const server = new IngestServer({
    socketPath: path.join(dir, 's.sock'),
    socketMode: 0o600,
    maxConnections,
    maxMessageBytes: 4096,
    batcher: new Batcher({ store, counters, now, ledger: extra.ledger, commitDelay: extra.commitDelay }),
    counters,
    now,
    log: pino({ level: 'silent' }),
    control: (request) => (request.type === 'status' ? { status: 'ok', daemon: 'test' } : undefined),
    deadlines: { sweepMs: 0, documentMs: 60_000, writeMs: 60_000, waitMs },
  });
  await server.listen();
  const clients: net.Socket[] = [];
  /** A client that collects what it is sent; resolves `closed` with it. */
  const client = (send?: string) => {
    const s = net.connect(path.join(dir, 's.sock'));
    clients.push(s);
    let data = '';
    s.on('error', () => undefined);
    s.on('data', (c: Buffer) => (data += c.toString()));
    if (send !== undefined) s.on('connect', () => s.write(send));
    return { socket: s, text: () => data, closed: new Promise<string>((r) => s.on('close', () => r(data))) };
  };
  const settle = async (ok: () => boolean, what: string): Promise<void> => {
    for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(ok(), `timed out waiting for ${what}`);
  };
  const done = async (): Promise<void> => {
    for (const s of clients) s.destroy();
    await server.close(0);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { server, counters, clock, client, clients, settle, done, store, socketPath: path.join(dir, 's.sock') };
}

/** The reply lines a client got, parsed. */
const replies = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** The code of the one error line a closed connection was told. */
function codeOf(text: string): unknown {
  const [only, ...rest] = replies(text);
  assert.equal(rest.length, 0, text);
  assert.equal(only?.status, 'error', text);
  assert.equal(typeof only?.error, 'string', text);
  return only?.code;
}

test('a silent connection gives its slot to a client that has sent a document, once stale', async () => {
  const t = await setup(1);
  try {
    const holder = t.client();
    await t.settle(() => t.counters.connectionsActive === 1, 'the holder to be served');
    const newcomer = t.client(`${RECORD}\n`);
    await t.settle(() => t.counters.connectionsWaiting === 1, 'the newcomer to wait');
    // Not stale yet: one sweep and no time. A sweep sheds synchronously, so nothing has moved.
    t.server.sweep();
    assert.equal(t.counters.rejected.shed_stale, 0);
    assert.equal(t.counters.connectionsWaiting, 1);
    t.clock.ms += 150;
    t.server.sweep();
    t.server.sweep();
    await t.settle(() => newcomer.text() !== '', 'the newcomer to be answered');
    assert.equal(newcomer.text(), '{"status":"ok"}\n');
    const shed = await holder.closed;
    assert.match(shed, /connection shed to admit a new client: no complete document for 150 ms/);
    assert.equal(codeOf(shed), 'shed_stale');
    assert.equal(t.counters.rejected.shed_stale, 1);
  } finally {
    await t.done();
  }
});

test('a silent newcomer never evicts; its place in line expires after waitMs', async () => {
  const t = await setup(1, 5000);
  try {
    t.client();
    await t.settle(() => t.counters.connectionsActive === 1, 'the holder to be served');
    const waiter = t.client();
    await t.settle(() => t.counters.connectionsWaiting === 1, 'the waiter to wait');
    t.clock.ms += 4999;
    t.server.sweep();
    t.server.sweep();
    t.server.sweep();
    assert.equal(t.counters.connectionsWaiting, 1, 'still waiting: a silent newcomer takes no stale slot');
    t.clock.ms += 1;
    t.server.sweep();
    const waited = await waiter.closed;
    assert.match(waited, /waited 5s in line for a free connection \(all max_connections 1 were taken\)/);
    assert.equal(codeOf(waited), 'waiting_timeout');
    assert.equal(t.counters.rejected.waiting_timeout, 1);
    assert.equal(t.counters.connectionsActive, 1);
  } finally {
    await t.done();
  }
});

test('a dripping connection expires at its document deadline, bytes notwithstanding', async () => {
  const t = await setup(2);
  try {
    const drip = t.client('{"comm');
    await t.settle(() => t.counters.connectionsActive === 1, 'the dripper to be served');
    for (let i = 0; i < 59; i++) {
      t.clock.ms += 1000;
      drip.socket.write('a');
      t.server.sweep();
    }
    // The bytes were queued on the server's side before this client connected, so once it is
    // answered the server has read them: were bytes to extend the deadline, they now would have.
    const barrier = t.client(`${RECORD}\n`);
    await t.settle(() => barrier.text() !== '', 'a later client to be answered');
    assert.equal(t.counters.rejected.document_timeout, 0);
    t.clock.ms += 1000;
    t.server.sweep();
    const timedOut = await drip.closed;
    assert.match(timedOut, /no complete document within 60s/);
    assert.equal(codeOf(timedOut), 'document_timeout');
    assert.equal(t.counters.rejected.document_timeout, 1);
  } finally {
    await t.done();
  }
});

test('each document of a stream is answered in order; a refusal carries its RejectReason as code, counted under it', async () => {
  const t = await setup(2, 5000, { ledger: new Ledger({ maxResources: 1 }) });
  try {
    const acquire = (id: string, limit = 1): string =>
      JSON.stringify({ type: 'acquire', resource_id: id, rate_limit: limit, window_seconds: 10 });
    const stream = [
      '{nope',
      '{"command":"x"}',
      '{"type":"nonsense"}',
      acquire('r', 0),
      acquire('r'),
      acquire('other'),
      '{"type":"status"}',
      RECORD,
    ];
    const c = t.client(`${stream.join('\n')}\n`);
    await t.settle(() => replies(c.text()).length === stream.length, 'every reply');
    const got = replies(c.text());
    assert.deepEqual(
      got.map((r) => (r.status === 'error' ? r.code : r.status)),
      ['invalid_json', 'invalid_record', 'unsupported_type', 'invalid_acquire', 'ok', 'coordination_full', 'ok', 'ok'],
    );
    assert.deepEqual(got[4], { status: 'ok', granted: true });
    assert.deepEqual(got[6], { status: 'ok', daemon: 'test' });
    assert.match(String(got[3]?.error), /^rate_limit: must be a positive integer \(got 0\)/, 'the text is kept');
    // The exact shape the original Go client reads: status and error, with code between them.
    const first = c.text().split('\n')[0] ?? '';
    assert.match(first, /^\{"status":"error","code":"invalid_json","error":"invalid JSON: [^"]+"\}$/);
    for (const reason of [
      'invalid_json',
      'invalid_record',
      'unsupported_type',
      'invalid_acquire',
      'coordination_full',
    ] as const)
      assert.equal(t.counters.rejected[reason], 1, reason);
    assert.equal(t.counters.received, 1);
  } finally {
    await t.done();
  }
});

test('a document over max_message_bytes: code too_large, and the connection is closed', async () => {
  const t = await setup(1);
  try {
    const c = t.client(`${RECORD}\n{"command":"${'x'.repeat(5000)}"}\n${RECORD}\n`);
    const text = await c.closed;
    const got = replies(text);
    assert.equal(got.length, 2, text);
    assert.deepEqual(got[0], { status: 'ok' });
    assert.equal(got[1]?.code, 'too_large');
    assert.equal(got[1]?.error, 'document exceeds max_message_bytes (4096 bytes)');
    assert.equal(t.counters.rejected.too_large, 1);
    assert.equal(t.counters.received, 1, 'nothing after the refused document is read');
  } finally {
    await t.done();
  }
});

test('after too_large the client may go on sending until it ends: the connection is not reset under it', async () => {
  const t = await setup(1);
  try {
    // A client that keeps its side open when the daemon ends its own, and has much more to send.
    const s = net.connect({ path: t.socketPath, allowHalfOpen: true });
    t.clients.push(s);
    let text = '';
    let failed: Error | undefined;
    s.on('error', (err) => (failed = err));
    s.on('data', (c: Buffer) => (text += c.toString()));
    s.write(`{"command":"${'x'.repeat(5000)}"}\n`);
    await once(s, 'end');
    assert.equal(codeOf(text), 'too_large');
    // Far more than the socket buffers hold: it only goes through if the daemon still reads
    // (and drops) it. A daemon that closed with it unread would reset the connection, and a
    // client still writing then loses the reply it has not read yet.
    s.end(Buffer.alloc(4 << 20, 'y'));
    await once(s, 'close');
    assert.equal(failed, undefined);
    assert.equal(t.counters.rejected.too_large, 1);
  } finally {
    await t.done();
  }
});

test('a record the store cannot take: code storage_error', async () => {
  const store = new FaultyStore({ maxRecords: 100, maxAgeMs: 3_600_000 });
  store.faults.set('append', DISK_FULL);
  const t = await setup(1, 5000, { store });
  try {
    const c = t.client(RECORD); // the Go client's way: no newline, then the reply
    await t.settle(() => c.text().endsWith('\n'), 'the reply');
    const [reply] = replies(c.text());
    assert.equal(reply?.code, 'storage_error');
    assert.match(String(reply?.error), /^storage_error: the record was not stored: database or disk is full/);
    assert.equal(t.counters.rejected.storage_error, 1);
  } finally {
    await t.done();
  }
});

test('a full waiting line drops a place with code too_many_connections', async () => {
  const t = await setup(1);
  try {
    t.client();
    await t.settle(() => t.counters.connectionsActive === 1, 'the holder to be served');
    // The line holds 10 × max_connections; the first waiter is the oldest silent one.
    const first = t.client();
    await t.settle(() => t.counters.connectionsWaiting === 1, 'the first waiter');
    for (let i = 0; i < 9; i++) t.client();
    await t.settle(() => t.counters.connectionsWaiting === 10, 'a full line');
    t.client();
    const dropped = await first.closed;
    assert.match(dropped, /too many connections \(max_connections 1, and the waiting line is full\)/);
    assert.equal(codeOf(dropped), 'too_many_connections');
    assert.equal(t.counters.rejected.too_many_connections, 1);
  } finally {
    await t.done();
  }
});

test('expectedDocuments (for the commit delay): a served connection yet to send a document, or a waiter; not one that has sent', async () => {
  const t = await setup(1);
  try {
    assert.equal(t.server.expectedDocuments(), 0, 'nobody is connected');
    const a = t.client();
    await t.settle(() => t.counters.connectionsActive === 1, 'a to be served');
    assert.equal(t.server.expectedDocuments(), 1, 'a has sent nothing yet');
    a.socket.write(`${RECORD}\n`);
    await t.settle(() => a.text() !== '', 'a to be answered');
    assert.equal(t.server.expectedDocuments(), 0, 'a has sent its document');
    t.client();
    await t.settle(() => t.counters.connectionsWaiting === 1, 'b to wait for the slot');
    assert.equal(t.server.expectedDocuments(), 1, 'b is in the waiting line');
  } finally {
    await t.done();
  }
});

test('close() commits at once a batch that waits on the commit delay: nothing queued is lost on shutdown', async () => {
  const timers: unknown[] = [];
  const commitDelay = new CommitDelay({
    expected: () => 1,
    clock: () => 0,
    // A wait that never ends by itself: only close() can commit the batch.
    timer: { set: (_fire, ms) => timers.push(ms), clear: (h) => timers.push(`cleared ${String(h)}`) },
  });
  commitDelay.committed(2);
  const t = await setup(4, 5000, { commitDelay });
  let closed = false;
  try {
    t.client(`${RECORD}\n`);
    await t.settle(() => timers.length === 1, 'the batch to wait');
    assert.deepEqual(timers, [2]);
    assert.equal(t.store.count(), 0, 'not committed while it waits');
    await t.done();
    closed = true;
    assert.equal(t.store.count(), 1, 'committed by the drain');
    assert.deepEqual(timers, [2, 'cleared 1'], 'and the wait called off');
  } finally {
    if (!closed) await t.done();
  }
});

test('a reply held for the client to end counts as pending: the connection is not shed, and the reply is written', async () => {
  const fires: Array<() => void> = [];
  const commitDelay = new CommitDelay({
    expected: () => 1,
    clock: () => 0,
    timer: { set: (fire) => fires.push(fire), clear: () => undefined },
  });
  commitDelay.committed(2);
  const t = await setup(1, 5000, { commitDelay });
  try {
    // The holder sends its document and does not end: its reply is held for one turn.
    const holder = t.client(`${RECORD}\n`);
    await t.settle(() => fires.length === 1, "the holder's batch to wait on the commit delay");
    const newcomer = t.client(`${RECORD}\n`);
    await t.settle(() => t.counters.connectionsWaiting === 1, 'the newcomer to wait');
    t.clock.ms += 150;
    // The commit, then two sweeps before the next turn, while the reply is held: a holder
    // taken for stale here was shed, and its reply was lost.
    fires[0]?.();
    assert.equal(t.store.count(), 1);
    t.server.sweep();
    t.server.sweep();
    assert.equal(t.counters.rejected.shed_stale, 0, 'a connection with a reply to write is not stale');
    await t.settle(() => holder.text() !== '', 'the holder to be answered');
    assert.equal(holder.text(), '{"status":"ok"}\n');
    // Once its reply is out, the holder is waiting on its client, and gives way.
    t.clock.ms += 150;
    t.server.sweep();
    t.server.sweep();
    await t.settle(() => fires.length === 2, "the newcomer's batch to wait");
    fires[1]?.();
    await t.settle(() => newcomer.text() !== '', 'the newcomer to be answered');
    assert.equal(newcomer.text(), '{"status":"ok"}\n');
    assert.equal(await holder.closed, '{"status":"ok"}\n', 'shed after its reply, with nothing more to say');
  } finally {
    await t.done();
  }
});
