// httpGet against real local servers: its bounds (time, size) and its words for failures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { freePort, serveHttp as serve } from '../../../test/helpers/http-server.ts';
import { httpGet, RequestFailed } from './http-get.ts';

const opts = { timeoutMs: 2000, maxBytes: 1000, accept: 'application/json' };

test('an answer: status, content type, body; credentials go in the Authorization header', async (t) => {
  let seen: http.IncomingHttpHeaders = {};
  const base = await serve(t, (req, res) => {
    seen = req.headers;
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(`{"path":${JSON.stringify(req.url)}}`);
  });
  const url = new URL(`${base}/api/x?limit=2`);
  url.username = 'me';
  url.password = 'pa:ss';
  const a = await httpGet(url, opts);
  assert.equal(a.status, 200);
  assert.equal(a.contentType, 'application/json');
  assert.equal(a.body.toString(), '{"path":"/api/x?limit=2"}');
  assert.equal(seen.authorization, `Basic ${Buffer.from('me:pa:ss').toString('base64')}`);
  assert.equal(seen.accept, 'application/json');
});

test('nobody listening: connection refused', async () => {
  const port = await freePort();
  await assert.rejects(httpGet(new URL(`http://127.0.0.1:${port}/`), opts), (e: unknown) => {
    return e instanceof RequestFailed && e.reason === 'connection refused' && e.kind === 'network';
  });
});

test('a server that never answers: a timeout, within the bound', async (t) => {
  const base = await serve(t, () => {});
  const started = Date.now();
  await assert.rejects(httpGet(new URL(base), { ...opts, timeoutMs: 200 }), /no answer within 0.2s/);
  assert.ok(Date.now() - started < 1500);
});

test('a body that never ends counts against the time bound too', async (t) => {
  const base = await serve(t, (_req, res) => {
    res.writeHead(200);
    res.write('{');
  });
  await assert.rejects(httpGet(new URL(base), { ...opts, timeoutMs: 200 }), /no answer within/);
});

test('an answer larger than the bound is refused as too large, and not read to the end', async (t) => {
  const base = await serve(t, (_req, res) => {
    res.writeHead(200);
    res.end('x'.repeat(5000));
  });
  await assert.rejects(
    httpGet(new URL(base), opts),
    (e: unknown) => e instanceof RequestFailed && e.kind === 'too-large',
  );
});

test('a connection cut mid-answer', async (t) => {
  const base = await serve(t, (_req, res) => {
    res.writeHead(200, { 'Content-Length': '100' });
    res.write('{"a":');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  await assert.rejects(httpGet(new URL(base), opts), RequestFailed);
});
