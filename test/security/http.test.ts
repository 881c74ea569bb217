// docs/security.md, "Browser origin" and the small HTTP/config defects, against the real daemon: a web
// page must not read the API through DNS rebinding nor start a profile with a cross-site
// request, and bad input is answered with the setting or parameter it concerns.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { spawnTestDaemon, tempDir, type TestDaemon } from '../helpers/daemon.ts';
import { send, runRecord } from '../helpers/socket.ts';
import { patienced } from '../helpers/service.ts';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../helpers/browser.ts';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with headers fetch() will not send (Host, Origin, Sec-Fetch-Site). */
function request(
  base: string,
  pathAndQuery: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: pathAndQuery,
        method: opts.method ?? 'GET',
        headers: opts.headers,
        timeout: 20_000,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer to ${pathAndQuery}`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}

const port = (d: TestDaemon): string => new URL(d.url).port;
const SECRET_COMMAND = 'deploy --target prod-db-7 --note only-the-owner-may-read-this';

const daemons: TestDaemon[] = [];
async function daemon(args: string[] = []): Promise<TestDaemon> {
  const d = await spawnTestDaemon({ args });
  daemons.push(d);
  return d;
}
after(async () => {
  for (const d of daemons) {
    await d.stop('SIGKILL');
    fs.rmSync(d.dir, { recursive: true, force: true });
  }
});

test('DNS rebinding: a request naming a foreign Host gets 421 and no stored data; loopback names are served', async () => {
  const d = await daemon();
  const [ack] = await send(d.socketPath, [runRecord({ command: SECRET_COMMAND })]);
  assert.equal(ack?.status, 'ok');

  // A page on rebind.attacker.example whose name now resolves to 127.0.0.1: same "origin" to
  // the browser, but its Host header still says who it is.
  for (const host of ['rebind.attacker.example', `rebind.attacker.example:${port(d)}`, 'evil.example']) {
    for (const p of [
      '/api/metrics/recent',
      '/api/metrics/export',
      '/api/metrics/stats',
      '/api/daemon/stats',
      '/metrics',
      '/',
      '/api/events',
    ]) {
      const r = await request(d.url, p, { headers: { Host: host } });
      assert.equal(r.status, 421, `${host} ${p}`);
      assert.ok(!r.body.includes('prod-db-7'), `${host} ${p} leaked a command`);
      assert.match(JSON.parse(r.body).error, /add it to allowed_hosts \(-allowed-hosts /);
    }
  }
  for (const host of [`localhost:${port(d)}`, 'localhost', `127.0.0.1:${port(d)}`, `[::1]:${port(d)}`]) {
    const r = await request(d.url, '/api/metrics/recent', { headers: { Host: host } });
    assert.equal(r.status, 200, host);
    assert.ok(r.body.includes('prod-db-7'), host);
  }
  assert.match(d.logs(), /http request refused/, 'the refusal is logged');
});

test('an HTTP/1.0 request without Host is served on loopback (no browser sends one without)', async () => {
  const d = await daemon();
  const answer = await new Promise<string>((resolve, reject) => {
    const sock = net.connect(Number(port(d)), '127.0.0.1', () => sock.write('GET /api/health HTTP/1.0\r\n\r\n'));
    let data = '';
    sock.on('data', (b: Buffer) => (data += b.toString()));
    sock.on('end', () => resolve(data));
    sock.on('error', reject);
  });
  assert.match(answer, /^HTTP\/1\.1 200 /);
});

test('-allowed-hosts (and RETRY_ALLOWED_HOSTS) widen the list of names', async () => {
  const d = await daemon(['-allowed-hosts', 'patience.box.lan,other.lan']);
  assert.equal((await request(d.url, '/api/health', { headers: { Host: `patience.box.lan:${port(d)}` } })).status, 200);
  assert.equal((await request(d.url, '/api/health', { headers: { Host: 'OTHER.lan' } })).status, 200);
  assert.equal((await request(d.url, '/api/health', { headers: { Host: 'evil.example' } })).status, 421);

  const dir = tempDir();
  const e = await spawnTestDaemon({ dir, env: { RETRY_ALLOWED_HOSTS: 'env.lan' } });
  daemons.push(e);
  assert.equal((await request(e.url, '/api/health', { headers: { Host: 'env.lan' } })).status, 200);
  assert.equal((await request(e.url, '/api/health', { headers: { Host: 'evil.example' } })).status, 421);
});

test('a cross-site request to /debug/pprof/profile is refused and starts no profile', async () => {
  const d = await daemon(['-enable-profiling']);
  const host = `127.0.0.1:${port(d)}`;
  // What a no-cors fetch() or an <img src> from another site carries.
  const tries: Array<Record<string, string>> = [
    { Host: host, 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors' },
    { Host: host, 'Sec-Fetch-Site': 'same-site' },
    { Host: host, Origin: 'http://evil.example' },
    { Host: host, Origin: `http://localhost:3000` },
  ];
  for (const headers of tries) {
    const r = await request(d.url, '/debug/pprof/profile?seconds=5', { headers });
    assert.equal(r.status, 403, JSON.stringify(headers));
    assert.match(JSON.parse(r.body).error, /^cross-site request refused/);
    const heap = await request(d.url, '/debug/pprof/heap', { headers });
    assert.equal(heap.status, 403, `heap ${JSON.stringify(headers)}`);
  }
  // Had any of them started a 5 s profile, this one would be refused with 409 (one at a time).
  const own = await request(d.url, '/debug/pprof/profile?seconds=1', {
    headers: { Host: host, 'Sec-Fetch-Site': 'none' },
  });
  assert.equal(own.status, 200, own.body.slice(0, 200));
  assert.ok(Array.isArray(JSON.parse(own.body).nodes));
});

test('a cross-site POST/DELETE is refused; the API sends no CORS headers to any origin', async () => {
  const d = await daemon();
  const host = `127.0.0.1:${port(d)}`;
  const post = await request(d.url, '/api/health', {
    method: 'POST',
    headers: { Host: host, Origin: 'http://evil.example', 'Content-Type': 'text/plain' },
    body: 'x',
  });
  assert.equal(post.status, 403);
  for (const method of ['GET', 'OPTIONS']) {
    const r = await request(d.url, '/api/metrics/recent', {
      method,
      headers: {
        Host: host,
        Origin: 'http://evil.example',
        'Access-Control-Request-Method': 'GET',
        'Sec-Fetch-Site': 'cross-site',
      },
    });
    for (const name of Object.keys(r.headers)) assert.doesNotMatch(name, /^access-control-/, `${method}: ${name}`);
  }
});

test('DELETE with a JSON content type and no body is 405, not 400', async () => {
  const d = await daemon();
  const r = await request(d.url, '/api/metrics/recent', {
    method: 'DELETE',
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(r.status, 405, r.body);
  assert.equal(r.headers['allow'], 'GET, HEAD');
  assert.deepEqual(JSON.parse(r.body), {
    error: 'method DELETE not allowed on /api/metrics/recent',
    code: 'method_not_allowed',
  });
});

test('a date that does not exist is a 400 naming the parameter, not silently 2 March', async () => {
  const d = await daemon();
  const cases: Array<[string, string]> = [
    [
      '/api/metrics/recent?since=2026-02-30T00:00:00Z',
      'since: "2026-02-30T00:00:00Z" has day 30: February 2026 has days 01..28',
    ],
    [
      '/api/metrics/recent?until=2026-04-31T00:00:00Z',
      'until: "2026-04-31T00:00:00Z" has day 31: April 2026 has days 01..30',
    ],
    ['/api/metrics/stats?start=2026-01-01T24:00:00Z', 'start: "2026-01-01T24:00:00Z" has hour 24: hours are 00..23'],
    [
      '/api/metrics/commands?end=2026-01-01T00:00:00%2B24:00',
      'end: "2026-01-01T00:00:00+24:00" has offset +24:00: offsets are -23:59..+23:59',
    ],
  ];
  for (const [p, error] of cases) {
    const r = await request(d.url, p);
    assert.equal(r.status, 400, p);
    const field = error.slice(0, error.indexOf(':'));
    assert.deepEqual(JSON.parse(r.body), { error, code: 'bad_parameter', field });
  }
  assert.equal((await request(d.url, '/api/metrics/recent?since=2024-02-29T00:00:00Z')).status, 200);
});

test('start-up mistakes name the setting: -host 999.1.1.1, an unresolvable -host, -max-age -socket X, metrics_max_age 3600', async () => {
  const dir = tempDir();
  try {
    const config = path.join(dir, 'daemon.json');
    fs.writeFileSync(config, '{}\n');
    const base = [
      '-config',
      config,
      '-socket',
      path.join(dir, 'd.sock'),
      '-pid-file',
      path.join(dir, 'd.pid'),
      '-port',
      '0',
    ];

    const bad = await patienced([...base, '-host', '999.1.1.1']);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(
      bad.stderr,
      /^patienced: invalid http_host "999\.1\.1\.1" from flag -host: 999 is not an IPv4 address byte/,
    );
    assert.doesNotMatch(bad.stderr, /getaddrinfo/);

    const unknown = await patienced([...base, '-host', 'no-such-host.invalid']);
    assert.equal(unknown.code, 1, unknown.stderr);
    assert.match(
      unknown.stderr,
      /cannot listen on HTTP host "no-such-host\.invalid": it does not resolve to an address .*set http_host \(-host\)/,
    );

    const flag = await patienced([...base, '-max-age', '-socket', 'X']);
    assert.equal(flag.code, 2, flag.stderr);
    assert.match(flag.stderr, /^patienced: flag needs an argument: -max-age \(the next argument, "-socket", is a flag/);

    fs.writeFileSync(config, '{"metrics_max_age": 3600}\n');
    const ns = await patienced(base);
    assert.equal(ns.code, 2, ns.stderr);
    assert.match(
      ns.stderr,
      /invalid metrics_max_age 3600 from config file .*: 3600 is 3\.6µs \(an integer is nanoseconds, as Go writes it\); if you meant 3600 seconds write "1h"/,
    );

    fs.writeFileSync(config, '{"allowed_hosts": ["https://box.lan"]}\n');
    const list = await patienced(base);
    assert.equal(list.code, 2, list.stderr);
    assert.match(
      list.stderr,
      /invalid allowed_hosts \["https:\/\/box\.lan"\] from config file .*without scheme or path/,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// The same two attacks from a real Chromium: a page on another site (http://localhost:N is
// another site than http://127.0.0.1:M) and a rebound name (--host-resolver-rules).
test('in Chromium: a cross-site no-cors fetch starts no profile, a rebound name reads nothing, the dashboard still works by name', async (t) => {
  if (!fs.existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is missing: install Debian's chromium package to run the browser half of the origin tests`);
    return;
  }
  const d = await daemon(['-enable-profiling', '-log-level', 'debug']);
  await send(d.socketPath, [runRecord({ command: SECRET_COMMAND })]);
  const dport = port(d);
  const attacker = http.createServer((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>attacker</title>'),
  );
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  const aport = (attacker.address() as net.AddressInfo).port;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP rebind.attacker.example 127.0.0.1'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://localhost:${aport}/`);
    const target = `http://127.0.0.1:${dport}`;
    const tried = await page.evaluate(async (base) => {
      const profile = await fetch(`${base}/debug/pprof/profile?seconds=5`, { mode: 'no-cors' }).then(
        (r) => r.type,
        (e: unknown) => `error ${String(e)}`,
      );
      const read = await fetch(`${base}/api/metrics/recent`).then(
        (r) => r.text(),
        () => 'blocked by CORS',
      );
      return { profile, read };
    }, target);
    assert.equal(tried.profile, 'opaque', 'the request went out');
    assert.equal(
      tried.read,
      'blocked by CORS',
      'a plain read reaches the page only through CORS, which the API never grants',
    );
    // The page cannot see the status of a no-cors answer; the daemon's request log can.
    const answered = d
      .logs()
      .split('\n')
      .filter((l) => l.includes('"url":"/debug/pprof/profile?seconds=5"') && l.includes('"msg":"http request"'))
      .map((l) => (JSON.parse(l) as { status: number }).status);
    assert.deepEqual(answered, [403], 'the profile request from the page was refused, not run');
    assert.match(d.logs(), /Sec-Fetch-Site: cross-site/, 'refused on the header Chromium sent');

    const rebound = await page.goto(`http://rebind.attacker.example:${dport}/api/metrics/recent`);
    assert.equal(rebound?.status(), 421);
    const seen = await page.evaluate(() =>
      fetch('/api/metrics/recent').then(async (r) => `${r.status} ${await r.text()}`),
    );
    assert.match(seen, /^421 /);
    assert.ok(!seen.includes('prod-db-7'), 'no command reaches the rebound page');

    // Only the dashboard's own errors count: the rebound page's 421 can reach the console
    // listener late, after this navigation has begun.
    const problems: string[] = [];
    const dashboard = `http://localhost:${dport}/`;
    page.on('console', (m) => {
      if (m.type() === 'error' && m.location().url.startsWith(dashboard))
        problems.push(`${m.text()} (${m.location().url})`);
    });
    await page.goto(dashboard);
    await page.waitForSelector('body[data-loaded]');
    await page.waitForFunction(() => document.body.textContent?.includes('prod-db-7') ?? false, undefined, {
      timeout: 10_000,
    });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    attacker.close();
  }
});
