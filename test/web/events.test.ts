// GET /api/events against the real daemon fed through its socket: an event per stored
// run within a second, the client cap, a client that never reads, and shutdown with
// streams open.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { getJson, spawnTestDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { runRecord, send } from '../helpers/socket.ts';
import { openSse, type SseStream } from './sse.ts';

interface StreamStats {
  clients: number;
  max_clients: number;
  dropped_slow: number;
  refused: number;
  max_buffered_bytes: number;
}

async function streamStats(d: TestDaemon): Promise<StreamStats> {
  return ((await getJson(`${d.url}/api/daemon/stats`)).body as { event_streams: StreamStats }).event_streams;
}

/** Polls until `ok` holds; no fixed sleeps. */
async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('GET /api/events', { timeout: 90_000 }, () => {
  let d: TestDaemon;
  before(async () => {
    d = await spawnTestDaemon({ args: ['-max-metrics', '100000'] });
  });
  after(async () => {
    await d.stop();
    fs.rmSync(d.dir, { recursive: true, force: true });
  });

  test('an event arrives within 1 s of ingest, in the shape of an item of /recent', async () => {
    const stream = await openSse(`${d.url}/api/events`);
    try {
      assert.equal(stream.status, 200);
      assert.match(stream.headers.get('content-type') ?? '', /^text\/event-stream/);
      assert.equal(stream.headers.get('cache-control'), 'no-cache, no-transform');
      const sentAt = performance.now();
      const replies = await send(d.socketPath, [
        runRecord({ command: 'deploy --env staging', strategy: 'exponential', host: 'web-1' }),
      ]);
      assert.deepEqual(replies, [{ status: 'ok' }]);
      const ev = await stream.next(5000);
      assert.ok(ev.at - sentAt < 1000, `the event took ${Math.round(ev.at - sentAt)} ms`);
      assert.equal(ev.event, 'run');
      const recent = (await getJson(`${d.url}/api/metrics/recent?limit=1`)).body as { metrics: Array<{ id: number }> };
      const item = recent.metrics[0];
      assert.ok(item);
      assert.equal(ev.id, String(item.id));
      assert.deepEqual(JSON.parse(ev.data), item);
      assert.equal((item as unknown as { metrics: { command: string } }).metrics.command, 'deploy --env staging');
    } finally {
      stream.close();
    }
  });

  test('at most 32 streams: the next one is a 503 with a JSON error, and a freed slot is reused', async () => {
    await until(
      () => streamStats(d),
      (s) => s.clients === 0,
      'streams from the last test',
    );
    const streams: SseStream[] = [];
    try {
      for (let i = 0; i < 32; i++) streams.push(await openSse(`${d.url}/api/events`));
      assert.ok(streams.every((s) => s.status === 200));
      const res = await fetch(`${d.url}/api/events`);
      assert.equal(res.status, 503);
      assert.ok(res.headers.get('retry-after'));
      assert.match(((await res.json()) as { error: string }).error, /too many event streams open \(32\)/);
      const s = await streamStats(d);
      assert.equal(s.clients, 32);
      assert.equal(s.refused, 1);
      streams.pop()?.close();
      await until(
        () => streamStats(d),
        (v) => v.clients === 31,
        'a closed stream leaving',
      );
      const again = await openSse(`${d.url}/api/events`);
      streams.push(again);
      assert.equal(again.status, 200);
    } finally {
      for (const s of streams) s.close();
    }
    await until(
      () => streamStats(d),
      (s) => s.clients === 0,
      'every stream leaving',
    );
  });

  test('a client that never reads is cut off, and what is queued for it stays bounded', async () => {
    const port = Number(new URL(d.url).port);
    const slow = net.connect(port, '127.0.0.1');
    // No 'data' listener and paused: once the kernel's buffers are full, nothing moves.
    slow.pause();
    slow.on('error', () => {});
    await new Promise<void>((resolve) => slow.once('connect', () => resolve()));
    slow.write('GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n');
    const base = await until(
      () => streamStats(d),
      (s) => s.clients === 1,
      'the slow client connecting',
    );
    // 4,000 runs with an 8 KB command (the longest allowed, 8192 characters): about 34 MB
    // of events for a client that takes none.
    const command = `backup --note ${'x'.repeat(8 * 1024 - 14)}`;
    let sentBytes = 0;
    for (let batch = 0; batch < 8; batch++) {
      const docs = Array.from({ length: 500 }, (_, i) =>
        runRecord({ command, labels: { batch: String(batch), i: String(i) } }),
      );
      const replies = await send(d.socketPath, docs, { timeoutMs: 30_000 });
      assert.equal(replies.length, 500);
      assert.ok(replies.every((r) => r.status === 'ok'));
      sentBytes += 500 * command.length;
    }
    const s = await until(
      () => streamStats(d),
      (v) => v.dropped_slow === base.dropped_slow + 1,
      'the slow client being dropped',
    );
    assert.equal(s.clients, 0);
    // The bound is 1 MiB, checked before each batch: queued bytes never passed it by more
    // than one batch, a small part of what was sent.
    assert.ok(s.max_buffered_bytes < 4 * 1024 * 1024, `max buffered ${s.max_buffered_bytes} B`);
    assert.ok(sentBytes > 8 * s.max_buffered_bytes, `sent ${sentBytes} B`);
    const metrics = await (await fetch(`${d.url}/metrics`)).text();
    assert.match(metrics, /^patience_event_streams_dropped_total 1$/m);
    slow.destroy();
  });

  // A daemon of its own: stopping the shared one would leave nothing for the tests after it.
  test('shutdown ends open streams instead of waiting on them, and exits 0', async () => {
    const own = await spawnTestDaemon();
    const stream = await openSse(`${own.url}/api/events`);
    assert.equal(stream.status, 200);
    const started = Date.now();
    assert.equal(await own.stop(), 0, own.logs());
    assert.ok(Date.now() - started < 5000, 'stopped before the 5 s drain ran out');
    stream.close();
    fs.rmSync(own.dir, { recursive: true, force: true });
  });
});
