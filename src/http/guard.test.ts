import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { buildApp } from './app.ts';
import { crossSiteReason, hostCheck } from './guard.ts';
import { openStore } from '../store/index.ts';
import { IngestCounters } from '../ingest/counters.ts';
import { RuntimeStats } from '../daemon/runtime-stats.ts';
import { RunFeed } from './live/run-feed.ts';
import { StorageHealth } from '../daemon/storage-health.ts';

test('on loopback: loopback names with any port, and nothing else', () => {
  for (const bind of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) {
    const ok = hostCheck(bind, []);
    for (const h of [
      undefined,
      'localhost',
      'LocalHost:8080',
      'localhost.:8080',
      '127.0.0.1',
      '127.0.0.1:1',
      '127.9.8.7:80',
      '[::1]',
      '[::1]:8080',
      '0x7f.1:80',
    ]) {
      assert.equal(ok(h), true, `${bind}: ${h}`);
    }
    for (const h of [
      'evil.example',
      'evil.example:8080',
      'localhost.evil.example',
      '127.0.0.1.evil.example',
      '10.0.0.1',
      '[::2]',
      '',
      'a b',
      'x/y',
      'user@localhost',
    ]) {
      assert.equal(ok(h), false, `${bind}: ${h}`);
    }
  }
  assert.equal(hostCheck('127.0.0.2', [])('127.0.0.2:9'), true, 'the configured host');
});

test('allowed_hosts widens the list; "*" accepts any Host', () => {
  const ok = hostCheck('127.0.0.1', ['box.lan', '[fd00::1]']);
  assert.equal(ok('box.lan:8080'), true);
  assert.equal(ok('BOX.LAN'), true);
  assert.equal(ok('[fd00::1]:80'), true);
  assert.equal(ok('other.lan'), false);
  assert.equal(ok('localhost'), true);
  assert.equal(hostCheck('127.0.0.1', ['*'])('evil.example'), true);
});

test('on a network address: any Host, unless allowed_hosts is set', () => {
  for (const bind of ['0.0.0.0', '::', '192.168.1.5', 'box.lan'])
    assert.equal(hostCheck(bind, [])('evil.example'), true, bind);
  const ok = hostCheck('0.0.0.0', ['box.lan']);
  assert.equal(ok('box.lan:8080'), true);
  assert.equal(ok('localhost:8080'), true);
  assert.equal(ok('192.168.1.5:8080'), true, 'an address literal involves no DNS, so no rebinding');
  assert.equal(ok('[fe80::1]:8080'), true);
  assert.equal(ok('evil.example'), false);
  assert.equal(hostCheck('myhost.lan', ['box.lan'])('myhost.lan'), true, 'the configured host');
});

test('cross-site: Sec-Fetch-Site cross-site or same-site, or an Origin other than the Host', () => {
  const why = (headers: Record<string, string>): string | undefined => crossSiteReason({ headers });
  assert.equal(why({}), undefined, 'curl and other non-browsers');
  assert.equal(why({ 'sec-fetch-site': 'same-origin', host: 'localhost:8080' }), undefined);
  assert.equal(why({ 'sec-fetch-site': 'none' }), undefined, 'typed in the address bar');
  assert.equal(why({ 'sec-fetch-site': 'cross-site' }), 'Sec-Fetch-Site: cross-site');
  assert.equal(
    why({ 'sec-fetch-site': 'same-site' }),
    'Sec-Fetch-Site: same-site',
    'http://localhost:3000 is same-site',
  );
  assert.equal(why({ origin: 'http://127.0.0.1:8080', host: '127.0.0.1:8080' }), undefined);
  assert.equal(why({ origin: 'http://localhost', host: 'localhost:80' }), undefined, 'default port');
  assert.equal(why({ origin: 'http://localhost:3000', host: 'localhost:8080' }), 'Origin: "http://localhost:3000"');
  assert.equal(why({ origin: 'http://evil.example', host: '127.0.0.1:8080' }), 'Origin: "http://evil.example"');
  assert.equal(why({ origin: 'null', host: '127.0.0.1:8080' }), 'Origin: "null"', 'sandboxed frames and file: pages');
  assert.equal(why({ origin: 'http://127.0.0.1:8080' }), 'Origin: "http://127.0.0.1:8080"', 'no Host to compare with');
});

const runtimes: RuntimeStats[] = [];
after(() => runtimes.forEach((r) => r.stop()));

function app(
  opts: { allowedHosts?: string[]; profiling?: boolean; logs?: string[] } = {},
): ReturnType<typeof buildApp> {
  const runtime = new RuntimeStats();
  runtimes.push(runtime);
  const lines = opts.logs ?? [];
  const log = pino({ level: 'debug' }, { write: (l: string) => void lines.push(l) });
  const store = openStore({ limits: { maxRecords: 100, maxAgeMs: 86_400_000 } });
  return buildApp({
    store,
    counters: new IngestCounters(),
    runtime,
    now: Date.now,
    log,
    feed: new RunFeed(),
    health: new StorageHealth({ now: Date.now, log, fileProblem: () => store.fileProblem() }),
    profiling: opts.profiling ?? false,
    hosts: { bindHost: '127.0.0.1', allowedHosts: opts.allowedHosts ?? [] },
    info: {
      version: 'test',
      socketPath: '/test.sock',
      startedAtMs: Date.now(),
      maxAgeMs: 86_400_000,
      httpAddress: () => '127.0.0.1:8080',
      lastCleanupMs: () => undefined,
    },
  });
}

test('a foreign Host gets 421 and no data, on every path; a loopback Host is served', async (t) => {
  const logs: string[] = [];
  const a = app({ logs });
  t.after(() => a.close());
  for (const url of [
    '/api/health',
    '/api/metrics/recent',
    '/api/daemon/stats',
    '/metrics',
    '/',
    '/api/events',
    '/no/such/path',
  ]) {
    const res = await a.inject({ url, headers: { host: 'evil.example:8080' } });
    assert.equal(res.statusCode, 421, url);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const body = res.json<{ error: string; code: string }>();
    assert.deepEqual(Object.keys(body), ['error', 'code']);
    assert.equal(body.code, 'misdirected_host');
    assert.match(
      body.error,
      /^Host "evil\.example:8080" is not a name this daemon answers to: .*add it to allowed_hosts \(-allowed-hosts evil\.example, RETRY_ALLOWED_HOSTS\)$/,
    );
  }
  assert.equal((await a.inject({ url: '/api/health', headers: { host: 'localhost:8080' } })).statusCode, 200);
  assert.equal((await a.inject({ url: '/api/health', headers: { host: '127.0.0.1:8080' } })).statusCode, 200);
  const warnings = logs.filter((l) => l.includes('http request refused'));
  assert.equal(warnings.filter((l) => l.includes('"level":40')).length, 1, 'one warning, the rest at debug');
  assert.equal(warnings.length, 7);

  const widened = app({ allowedHosts: ['box.lan'] });
  t.after(() => widened.close());
  assert.equal((await widened.inject({ url: '/api/health', headers: { host: 'box.lan:8080' } })).statusCode, 200);
  assert.equal((await widened.inject({ url: '/api/health', headers: { host: 'evil.example' } })).statusCode, 421);
});

test('profiling refuses cross-site requests, any method; same-origin and non-browser ones pass', async (t) => {
  const a = app({ profiling: true });
  t.after(() => a.close());
  const host = '127.0.0.1:8080';
  for (const headers of [
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-site' },
    { origin: 'http://evil.example' },
    { origin: 'null' },
  ]) {
    for (const method of ['GET', 'HEAD'] as const) {
      for (const url of [
        '/debug/pprof/profile?seconds=1',
        '/debug/pprof/heap',
        '/debug/pprof/goroutine',
        '/debug/pprof/',
      ]) {
        const res = await a.inject({ method, url, headers: { host, ...headers } });
        assert.equal(res.statusCode, 403, `${method} ${url} ${JSON.stringify(headers)}`);
        if (method === 'GET')
          assert.match(
            res.json<{ error: string }>().error,
            /^cross-site request refused \((Sec-Fetch-Site|Origin): .*open it from the address bar or use curl$/,
          );
      }
    }
  }
  assert.equal((await a.inject({ url: '/debug/pprof/goroutine', headers: { host } })).statusCode, 200, 'curl');
  assert.equal(
    (await a.inject({ url: '/debug/pprof/goroutine', headers: { host, 'sec-fetch-site': 'same-origin' } })).statusCode,
    200,
  );
  assert.equal(
    (await a.inject({ url: '/debug/pprof/goroutine', headers: { host, 'sec-fetch-site': 'none' } })).statusCode,
    200,
  );
  assert.equal(
    (await a.inject({ url: '/debug/pprof/goroutine', headers: { host, origin: `http://${host}` } })).statusCode,
    200,
  );
});

test('plain reads stay open to any page (the browser keeps the answer from it: no CORS headers); other methods do not', async (t) => {
  const a = app();
  t.after(() => a.close());
  const headers = { host: '127.0.0.1:8080', origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' };
  for (const method of ['GET', 'HEAD', 'OPTIONS'] as const) {
    const res = await a.inject({
      method,
      url: '/api/health',
      headers: { ...headers, 'access-control-request-method': 'GET' },
    });
    assert.notEqual(res.statusCode, 403, method);
    for (const name of Object.keys(res.headers)) assert.doesNotMatch(name, /^access-control-/i, `${method}: ${name}`);
  }
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH'] as const) {
    const res = await a.inject({
      method,
      url: '/api/health',
      headers: { ...headers, 'content-type': 'text/plain' },
      payload: 'x',
    });
    assert.equal(res.statusCode, 403, method);
  }
});

test('a wrong method is 405 before any body is read (DELETE with a JSON type and no body was 400)', async (t) => {
  const a = app();
  t.after(() => a.close());
  for (const method of ['DELETE', 'POST', 'PUT', 'PATCH'] as const) {
    const empty = await a.inject({ method, url: '/api/health', headers: { 'content-type': 'application/json' } });
    assert.equal(empty.statusCode, 405, `${method} with no body: ${empty.body}`);
    assert.equal(empty.headers['allow'], 'GET, HEAD');
    assert.deepEqual(empty.json(), {
      error: `method ${method} not allowed on /api/health`,
      code: 'method_not_allowed',
    });
    const bad = await a.inject({
      method,
      url: '/api/health',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    assert.equal(bad.statusCode, 405, `${method} with a broken body`);
    const big = await a.inject({
      method,
      url: '/api/health',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ x: 'y'.repeat(10_000) }),
    });
    assert.equal(big.statusCode, 405, `${method} with a large body`);
  }
  const missing = await a.inject({
    method: 'DELETE',
    url: '/no/such?x=1',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(missing.statusCode, 404);
  assert.deepEqual(missing.json(), { error: 'no such endpoint: /no/such', code: 'not_found' });
});
