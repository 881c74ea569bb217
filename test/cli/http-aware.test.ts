// http-aware against a real HTTP server through real curl (docs/cli.md, "http-aware: HTTP
// status lines"): the status curl prints with -i / -v decides each attempt, the server's
// Retry-After sets the delay, and the server's own clock shows how long patience waited.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { patience, sandbox, testDaemon, type Sandbox } from './helpers.ts';

// curl is what this file is about: missing, it is an error, never a silent skip.
if (spawnSync('curl', ['--version']).error) {
  throw new Error('curl is not on PATH: these tests drive the real curl (apt-get install -y curl)');
}

interface Reply {
  status: number;
  headers?: OutgoingHttpHeaders | (() => OutgoingHttpHeaders);
  body?: string;
}

interface Seen {
  path: string;
  /** Server-side Date.now() when the request arrived. */
  at: number;
}

interface TestContext {
  after(fn: () => void | Promise<void>): void;
}

/**
 * A server on 127.0.0.1 and a free port, scripted per path: each request takes the next
 * reply of its path, and the last one repeats. It records every request it saw.
 */
async function scripted(t: TestContext, script: Record<string, Reply[]>): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const served = new Map<string, number>();
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    seen.push({ path, at: Date.now() });
    const replies = script[path] ?? [{ status: 500, body: 'not scripted' }];
    const n = served.get(path) ?? 0;
    served.set(path, n + 1);
    const reply = replies[Math.min(n, replies.length - 1)] ?? { status: 500 };
    const headers = typeof reply.headers === 'function' ? reply.headers() : (reply.headers ?? {});
    res.writeHead(reply.status, { 'content-type': 'text/plain', ...headers });
    res.end(reply.body ?? `status ${reply.status}\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen };
}

/**
 * patience http-aware with a 10 ms fallback, so that only a server hint waits long. Without
 * a sandbox of the caller's (whose socket a stand-in daemon may serve), no run is reported.
 */
function run(t: TestContext, curlArgs: string[], extra: string[] = [], sb?: Sandbox) {
  const report = sb ? [] : ['--no-report'];
  // --noproxy: a proxy from the environment must not stand between curl and 127.0.0.1.
  const curl = ['curl', '--noproxy', '*', ...curlArgs];
  return patience(sb ?? sandbox(t), ['http-aware', '-a', '3', '-b', '10ms', ...report, ...extra, '--', ...curl]);
}

const paths = (seen: Seen[]): string[] => seen.map((s) => s.path);
const gap = (seen: Seen[], i: number): number => (seen[i]?.at ?? NaN) - (seen[i - 1]?.at ?? NaN);

// Concurrent: each test has its own server, sandbox and patience, and the waits overlap.
describe('http-aware reads the HTTP status curl prints', { concurrency: true }, () => {
  test('429 with Retry-After: 1 (seconds), then 200: two attempts, exit 0', async (t) => {
    const { url, seen } = await scripted(t, {
      '/': [
        { status: 429, headers: { 'retry-after': '1' } },
        { status: 200, body: 'done\n' },
      ],
    });
    const r = await run(t, ['-si', `${url}/`]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(paths(seen), ['/', '/']);
    assert.ok(gap(seen, 1) >= 900, `waited ${gap(seen, 1)} ms, not the hinted 1 s`);
    assert.match(r.stderr, /\[retry\] Attempt 1\/3 failed \(HTTP 429\)\. Retrying in 1s\.\n/);
    assert.match(r.stderr, /Command succeeded after 2 attempts\.[\s\S]*Final Reason: exit code 0/);
    assert.match(r.stdout.toString(), /HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\ndone\n$/);
  });

  test('429 with Retry-After as an HTTP-date about 2 s ahead, then 200', async (t) => {
    // Whole seconds, at least 2 s after the request arrived, so the next request cannot come
    // sooner than 2 s after it (1.9 s leaves room for timer rounding, and the 10 ms fallback
    // is far below it).
    const date = (): OutgoingHttpHeaders => ({
      'retry-after': new Date(Math.ceil((Date.now() + 2000) / 1000) * 1000).toUTCString(),
    });
    const { url, seen } = await scripted(t, { '/d': [{ status: 429, headers: date }, { status: 200 }] });
    const r = await run(t, ['-si', `${url}/d`]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(paths(seen), ['/d', '/d']);
    assert.ok(gap(seen, 1) >= 1900, `waited ${gap(seen, 1)} ms, not until the HTTP-date`);
    const said = /Attempt 1\/3 failed \(HTTP 429\)\. Retrying in ([\d.]+)s\./.exec(r.stderr);
    // The delay patience computed, less the time curl took to finish: well above the fallback.
    assert.ok(said && Number(said[1]) >= 1, r.stderr);
  });

  test('503 without a hint, then 200: the fallback delay', async (t) => {
    const { url, seen } = await scripted(t, { '/': [{ status: 503 }, { status: 200 }] });
    const r = await run(t, ['-si', `${url}/`]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(paths(seen), ['/', '/']);
    assert.ok(gap(seen, 1) >= 10);
    assert.match(r.stderr, /Attempt 1\/3 failed \(HTTP 503\)\. Retrying in 0\.01s\./);
  });

  test('503 then 200 through curl -sv: the status line on stderr after "< "', async (t) => {
    const { url, seen } = await scripted(t, {
      '/v': [{ status: 503, headers: { 'retry-after': '1' } }, { status: 200 }],
    });
    const r = await run(t, ['-sv', `${url}/v`]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(paths(seen), ['/v', '/v']);
    assert.ok(gap(seen, 1) >= 900, `waited ${gap(seen, 1)} ms, not the hinted 1 s`);
    assert.match(r.stderr, /< HTTP\/1\.1 503 Service Unavailable\r\n[\s\S]*failed \(HTTP 503\)\. Retrying in 1s\./);
  });

  test('404: stops after one attempt with exit 22, says why, and reports it so', async (t) => {
    const { url, seen } = await scripted(t, { '/missing': [{ status: 404 }, { status: 200 }] });
    const sb = sandbox(t);
    const daemon = await testDaemon(sb.socketPath, 'ok');
    t.after(() => daemon.close());
    const r = await run(t, ['-si', `${url}/missing`], [], sb);
    assert.equal(r.code, 22, r.stderr);
    assert.deepEqual(paths(seen), ['/missing']);
    assert.match(r.stderr, /\[retry\] Attempt 1\/3 failed \(HTTP 404: not retryable\)\.\n/);
    assert.match(r.stderr, /Command failed after 1 attempt\.[\s\S]*Final Reason: HTTP 404: not retryable\n/);
    assert.equal(daemon.lines.length, 1);
    const record = JSON.parse(daemon.lines[0] ?? '') as {
      final_status: string;
      exit_code: number;
      reason: string;
      attempts: Array<{ exit_code: number; success: boolean }>;
    };
    assert.deepEqual([record.final_status, record.exit_code, record.reason], ['failed', 22, 'HTTP 404: not retryable']);
    assert.deepEqual(
      record.attempts.map((a) => [a.exit_code, a.success]),
      [[22, false]],
    );
  });

  test('redirects with curl -si -L: the last response counts, with its own headers', async (t) => {
    const { url, seen } = await scripted(t, {
      '/old': [{ status: 302, headers: { location: '/new' } }],
      '/new': [{ status: 200, body: 'moved here\n' }],
      // This redirect's Retry-After belongs to the redirect: the 503 after it has none.
      '/hop': [{ status: 302, headers: { location: '/busy', 'retry-after': '30' } }],
      '/busy': [{ status: 503 }, { status: 200 }],
    });
    const moved = await run(t, ['-si', '-L', `${url}/old`]);
    assert.equal(moved.code, 0, moved.stderr);
    assert.deepEqual(paths(seen), ['/old', '/new']);
    assert.match(moved.stderr, /Command succeeded after 1 attempt\./);
    seen.length = 0;
    // --max-time: had the redirect's 30 s been taken, the run would end at once rather than wait.
    const busy = await run(t, ['-si', '-L', `${url}/hop`], ['--max-time', '20s']);
    assert.equal(busy.code, 0, busy.stderr);
    assert.deepEqual(paths(seen), ['/hop', '/busy', '/hop', '/busy']);
    assert.match(busy.stderr, /Attempt 1\/3 failed \(HTTP 503\)\. Retrying in 0\.01s\./);
    assert.match(busy.stderr, /Command succeeded after 2 attempts\./);
  });

  test('200 at once with curl -i (progress meter on stderr): one attempt, exit 0', async (t) => {
    const { url, seen } = await scripted(t, { '/': [{ status: 200, body: 'hello\n' }] });
    const r = await run(t, ['-i', `${url}/`]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(paths(seen), ['/']);
    assert.match(r.stderr, /Command succeeded after 1 attempt\.[\s\S]*Final Reason: exit code 0/);
  });
});
