// EventStreams with fake sinks: the client cap, the cut-off of a client that stops
// reading, heartbeats (on a mock clock), and closing everything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StoredRun } from '../../store/types.ts';
import { EventStreams, runEvent, type StreamSink } from './event-streams.ts';
import { RunFeed } from './run-feed.ts';

class FakeSink implements StreamSink {
  writableLength = 0;
  chunks: string[] = [];
  destroyed = false;
  /** A reading client sends everything at once; a stalled one keeps it all queued. */
  constructor(private readonly reads = true) {}
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    if (!this.reads) this.writableLength += Buffer.byteLength(chunk);
    return this.reads;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

const run = (id: number, command = 'make test'): StoredRun => ({
  id,
  receivedAtMs: Date.UTC(2026, 10, 26, 16),
  record: {
    command,
    command_hash: 'deadbeef',
    final_status: 'succeeded',
    total_duration_seconds: 1,
    total_attempts: 1,
    successful_attempts: 1,
    failed_attempts: 0,
    attempts: [{ duration_seconds: 1, exit_code: 0, success: true }],
    timestampMs: Date.UTC(2026, 10, 26, 16),
  },
});

test('one run event per stored run, as an item of /recent; nothing when nobody listens', () => {
  const feed = new RunFeed();
  const streams = new EventStreams(feed);
  assert.equal(feed.listenerCount, 0);
  const a = new FakeSink();
  assert.ok(streams.add(a));
  assert.equal(feed.listenerCount, 1);
  feed.publish([run(1), run(2)]);
  const text = a.chunks.join('');
  assert.equal(text, runEvent(run(1)) + runEvent(run(2)));
  const first = text.split('\n\n')[0] ?? '';
  assert.match(first, /^id: 1\nevent: run\ndata: \{/);
  assert.deepEqual(Object.keys(JSON.parse(first.split('data: ')[1] ?? '') as object), [
    'id',
    'timestamp',
    'received_at',
    'metrics',
  ]);
  streams.remove(a);
  assert.equal(feed.listenerCount, 0, 'unsubscribed with the last client');
});

test('clients beyond the cap are refused and counted', () => {
  const streams = new EventStreams(new RunFeed(), { maxClients: 2, maxBufferedBytes: 1000, heartbeatMs: 15_000 });
  assert.ok(streams.add(new FakeSink()));
  assert.ok(streams.add(new FakeSink()));
  assert.equal(streams.add(new FakeSink()), false);
  assert.deepEqual(streams.stats(), { clients: 2, max_clients: 2, dropped_slow: 0, refused: 1, max_buffered_bytes: 0 });
  streams.closeAll();
});

test('a client that stops reading is cut off past the bound; the others keep going', () => {
  const feed = new RunFeed();
  const streams = new EventStreams(feed, { maxClients: 4, maxBufferedBytes: 4096, heartbeatMs: 15_000 });
  const stalled = new FakeSink(false);
  const healthy = new FakeSink();
  streams.add(stalled);
  streams.add(healthy);
  const big = 'x'.repeat(1000);
  for (let i = 1; i <= 20; i++) feed.publish([run(i, big)]);
  assert.ok(stalled.destroyed);
  assert.equal(healthy.destroyed, false);
  assert.equal(healthy.chunks.length, 20);
  const s = streams.stats();
  assert.equal(s.dropped_slow, 1);
  assert.equal(s.clients, 1);
  // Never more than the bound plus the one event that crossed it.
  assert.ok(s.max_buffered_bytes <= 4096 + runEvent(run(1, big)).length, String(s.max_buffered_bytes));
  streams.closeAll();
  assert.ok(healthy.destroyed);
  assert.equal(streams.stats().clients, 0);
});

test('a heartbeat comment every heartbeatMs while a client is connected', (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  const streams = new EventStreams(new RunFeed(), { maxClients: 1, maxBufferedBytes: 1000, heartbeatMs: 15_000 });
  const a = new FakeSink();
  streams.add(a);
  t.mock.timers.tick(14_999);
  assert.deepEqual(a.chunks, []);
  t.mock.timers.tick(1);
  assert.deepEqual(a.chunks, [': heartbeat\n\n']);
  t.mock.timers.tick(15_000);
  assert.equal(a.chunks.length, 2);
  streams.remove(a);
  t.mock.timers.tick(60_000);
  assert.equal(a.chunks.length, 2, 'no beats once nobody listens');
});

test('a listener that throws is reported, and the others still get the runs', () => {
  const errors: unknown[] = [];
  const feed = new RunFeed((e) => errors.push(e));
  const seen: number[] = [];
  feed.subscribe(() => {
    throw new Error('boom');
  });
  feed.subscribe((runs) => seen.push(...runs.map((r) => r.id)));
  feed.publish([run(7)]);
  assert.deepEqual(seen, [7]);
  assert.equal(errors.length, 1);
});
