// The listener's slots, waiting line and sweep over real Unix sockets, with the clock and
// the sweeps driven by hand (sweepMs 0: no timer runs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { openStore } from '../store/index.ts';
import { Batcher } from './batcher.ts';
import { IngestCounters } from './counters.ts';
import { IngestServer } from './server.ts';

const RECORD = JSON.stringify({
  command: 'ok',
  final_status: 'succeeded',
  total_duration_seconds: 1,
  attempts: [{ duration_seconds: 1, exit_code: 0, success: true }],
});

async function setup(maxConnections: number, waitMs = 5000) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ingest-server-'));
  // A real date: records before 2000 are refused at ingest.
  const clock = { ms: Date.UTC(2026, 0, 1) };
  const now = (): number => clock.ms;
  const store = openStore({ limits: { maxRecords: 100, maxAgeMs: 3_600_000 }, now });
  const counters = new IngestCounters();
  const server = new IngestServer({
    socketPath: path.join(dir, 's.sock'),
    socketMode: 0o600,
    maxConnections,
    maxMessageBytes: 4096,
    batcher: new Batcher({ store, counters, now }),
    counters,
    now,
    log: pino({ level: 'silent' }),
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
  return { server, counters, clock, client, settle, done };
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
    assert.match(await holder.closed, /connection shed to admit a new client: no complete document for 150 ms/);
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
    assert.match(await waiter.closed, /waited 5s in line for a free connection \(all max_connections 1 were taken\)/);
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
    assert.match(await drip.closed, /no complete document within 60s/);
    assert.equal(t.counters.rejected.document_timeout, 1);
  } finally {
    await t.done();
  }
});
