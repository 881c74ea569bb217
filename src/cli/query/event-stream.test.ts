// openEventStream against real local servers: events across split writes, the end of
// the stream, a silent stream, a line without end, and answers that are not a stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { serveHttp } from '../../../test/helpers/http-server.ts';
import { DEFAULT_STREAM_LIMITS, openEventStream, type StreamLimits } from './event-stream.ts';
import type { SseEvent } from './sse.ts';

async function serve(t: { after(fn: () => Promise<void>): void }, handler: http.RequestListener): Promise<URL> {
  return new URL(`${await serveHttp(t, handler)}/api/events`);
}

const limits: StreamLimits = { ...DEFAULT_STREAM_LIMITS, connectTimeoutMs: 1000, idleTimeoutMs: 1000 };

function collector() {
  const events: SseEvent[] = [];
  let ended: (why: string) => void = () => {};
  const end = new Promise<string>((r) => (ended = r));
  return { events, end, handlers: { onEvent: (e: SseEvent) => events.push(e), onEnd: (why: string) => ended(why) } };
}

test('events arrive whole across split writes; the end of the stream is reported once', async (t) => {
  const url = await serve(t, (req, res) => {
    assert.equal(req.headers.accept, 'text/event-stream');
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8' });
    const text =
      'retry: 3000\n\n: heartbeat\n\nid: 1\nevent: run\ndata: {"a":"日本"}\n\nid: 2\nevent: run\ndata: {}\n\n';
    const bytes = Buffer.from(text);
    // One byte at a time: a multi-byte character is split too.
    let i = 0;
    const next = (): void => {
      if (i >= bytes.length) return void res.end();
      res.write(bytes.subarray(i, i + 1));
      i++;
      setImmediate(next);
    };
    next();
  });
  const c = collector();
  const opened = await openEventStream(url, c.handlers, limits);
  assert.equal(opened.kind, 'open');
  assert.equal(await c.end, 'closed the event stream');
  assert.deepEqual(c.events, [
    { type: 'run', data: '{"a":"日本"}', id: '1' },
    { type: 'run', data: '{}', id: '2' },
  ]);
});

test('close() ends the stream quietly', async (t) => {
  const url = await serve(t, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write(': hello\n\n');
  });
  const c = collector();
  const opened = await openEventStream(url, c.handlers, limits);
  assert.equal(opened.kind, 'open');
  if (opened.kind === 'open') opened.stream.close();
  const winner = await Promise.race([c.end, new Promise((r) => setTimeout(() => r('quiet'), 100))]);
  assert.equal(winner, 'quiet');
});

test('a stream that goes silent is given up', async (t) => {
  const url = await serve(t, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write(': hello\n\n');
  });
  const c = collector();
  await openEventStream(url, c.handlers, { ...limits, idleTimeoutMs: 100 });
  assert.equal(await c.end, 'sent nothing for 0.1s');
});

test('a line that never ends is cut off at the bound', async (t) => {
  const url = await serve(t, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write(`data: ${'x'.repeat(5000)}`);
  });
  const c = collector();
  await openEventStream(url, c.handlers, { ...limits, maxLineLength: 1000 });
  assert.match(await c.end, /line longer than 1000/);
});

test('anything but a 200 event stream comes back as an answer to judge', async (t) => {
  const url = await serve(t, (req, res) => {
    if (req.url === '/api/events') res.writeHead(404, { 'Content-Type': 'text/html' }).end('<h1>Not Found</h1>');
  });
  const opened = await openEventStream(url, collector().handlers, limits);
  assert.equal(opened.kind, 'answer');
  if (opened.kind === 'answer') {
    assert.equal(opened.answer.status, 404);
    assert.equal(opened.answer.body.toString(), '<h1>Not Found</h1>');
  }
});

test('no answer to the request at all: a timeout', async (t) => {
  const url = await serve(t, () => {});
  await assert.rejects(
    openEventStream(url, collector().handlers, { ...limits, connectTimeoutMs: 100 }),
    /no answer within/,
  );
});
