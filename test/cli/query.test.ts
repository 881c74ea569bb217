// `patience runs` and `patience stats` against a real patienced (its own socket and free
// port), seeded over its Unix socket with known runs; the built dist/patience.cjs runs
// with a pipe for stdout (no terminal), so COLUMNS sets the width.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { getJson, spawnTestDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { freePort, serveHttp } from '../helpers/http-server.ts';
import { send } from '../helpers/socket.ts';
import { patience, sandbox, type Ran, type Sandbox } from './helpers.ts';

const NOW_S = Math.floor(Date.now() / 1000);
const MIN = 60;
const HOUR = 3600;

const LONG = 'curl -fsS https://api.example.com/v1/items?page=1&per_page=100 --max-time 30 --output items.json';
const HOSTILE = 'echo \u001b[31mred\u001b]0;owned\u0007 done';

interface Seed {
  command: string;
  ok: boolean;
  /** Exit codes of the attempts, in order. */
  codes: number[];
  seconds: number;
  strategy: string;
  agoS: number;
  labels?: Record<string, string>;
}

// Newest first, as `patience runs` lists them.
const SEEDS: Seed[] = [
  {
    command: LONG,
    ok: false,
    codes: [22, 22, 22, 22, 22],
    seconds: 12.5,
    strategy: 'decorrelated-jitter',
    agoS: 5 * MIN,
    labels: { team: 'web' },
  },
  {
    command: 'make deploy',
    ok: true,
    codes: [2, 0],
    seconds: 3.5,
    strategy: 'exponential',
    agoS: 10 * MIN,
    labels: { team: 'ops' },
  },
  { command: HOSTILE, ok: true, codes: [0], seconds: 0.25, strategy: 'fixed', agoS: 20 * MIN },
  {
    command: 'make deploy',
    ok: true,
    codes: [0],
    seconds: 1.25,
    strategy: 'exponential',
    agoS: 50 * MIN,
    labels: { team: 'ops' },
  },
  { command: 'pg_isready -h db', ok: true, codes: [2, 2, 0], seconds: 42, strategy: 'fixed', agoS: 2 * HOUR },
  {
    command: 'make deploy',
    ok: false,
    codes: [2, 2, 2],
    seconds: 7.5,
    strategy: 'exponential',
    agoS: 3 * HOUR,
    labels: { team: 'ops', env: 'prod' },
  },
  { command: 'nightly backup', ok: true, codes: [0], seconds: 600, strategy: 'linear', agoS: 30 * HOUR },
];

function record(s: Seed, nowS = NOW_S): Record<string, unknown> {
  return {
    command: s.command,
    final_status: s.ok ? 'succeeded' : 'failed',
    total_duration_seconds: s.seconds,
    attempts: s.codes.map((code, i) => ({
      duration_seconds: s.seconds / s.codes.length / 2,
      exit_code: code,
      success: s.ok && i === s.codes.length - 1,
    })),
    timestamp: nowS - s.agoS,
    strategy: s.strategy,
    exit_code: s.codes.at(-1),
    ...(s.labels ? { labels: s.labels } : {}),
  };
}

async function seed(d: TestDaemon, seeds: Seed[]): Promise<void> {
  // Oldest first, so that ids increase with time as they would in real use.
  const replies = await send(
    d.socketPath,
    [...seeds].reverse().map((s) => record(s)),
  );
  assert.deepEqual(
    replies.map((r) => r.status),
    seeds.map(() => 'ok'),
  );
}

let daemon: TestDaemon;

before(async () => {
  daemon = await spawnTestDaemon();
  await seed(daemon, SEEDS);
});

after(async () => {
  await daemon.stop();
  rmSync(daemon.dir, { recursive: true, force: true });
});

function run(sb: Sandbox, args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return patience(sb, args, { env: { PATIENCE_DAEMON_URL: daemon.url, ...env } });
}

/** The table's rows as fields: cells are separated by two spaces or more, and no cell holds two. */
function rows(text: string): string[][] {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => l.trim().split(/ {2,}/));
}

function assertFits(text: string, width: number): void {
  for (const line of text.trimEnd().split('\n')) {
    assert.ok([...line].length <= width, `wider than ${width}: ${JSON.stringify(line)}`);
  }
}

/** "12m ago" within a minute of the expected age (the clock moves while the test runs). */
function assertAgo(when: string | undefined, agoS: number): void {
  const m = /^(\d+)([smh]) ago$/.exec(when ?? '');
  assert.ok(m, `relative time: ${when}`);
  const unit = { s: 1, m: MIN, h: HOUR }[m[2] as 's' | 'm' | 'h'];
  const shown = Number(m[1]) * unit;
  assert.ok(agoS - unit - 60 <= shown && shown <= agoS + 60, `${when} for ${agoS}s ago`);
}

function oneLine(r: Ran): string {
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at |Error:/, 'no stack trace');
  return lines[0] as string;
}

test('runs at COLUMNS=200: every run in a row with its values, newest first', async (t) => {
  const r = await run(sandbox(t), ['runs'], { COLUMNS: '200' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const text = r.stdout.toString();
  assertFits(text, 200);
  assert.doesNotMatch(text, /\u001b/, 'no colour on a pipe, no escape sequence from a command');
  const [header, ...body] = rows(text);
  assert.deepEqual(header, ['STATUS', 'COMMAND', 'ATTEMPTS', 'DURATION', 'STRATEGY', 'EXIT', 'WHEN']);
  assert.equal(body.length, SEEDS.length);
  const durations = ['12.5s', '3.5s', '250ms', '1.25s', '42s', '7.5s', '10m00s'];
  SEEDS.forEach((s, i) => {
    const row = body[i] ?? [];
    const command = s.command === HOSTILE ? 'echo red done' : s.command;
    assert.deepEqual(row.slice(0, 6), [
      s.ok ? 'ok' : 'FAILED',
      command,
      String(s.codes.length),
      durations[i],
      s.strategy,
      String(s.codes.at(-1)),
    ]);
    if (s.agoS < 24 * HOUR) assertAgo(row[6], s.agoS);
    else assert.equal(row[6], '1d ago');
  });
});

test('runs at COLUMNS=80: no line is wider, the long command is cut with an ellipsis', async (t) => {
  const r = await run(sandbox(t), ['runs'], { COLUMNS: '80' });
  assert.equal(r.code, 0, r.stderr);
  const text = r.stdout.toString();
  assertFits(text, 80);
  const [header, first, second] = rows(text);
  // The 19-character strategy name leaves the command too little room: that column goes.
  assert.deepEqual(header, ['STATUS', 'COMMAND', 'ATTEMPTS', 'DURATION', 'EXIT', 'WHEN']);
  assert.equal(first?.[0], 'FAILED');
  const cut = first?.[1] ?? '';
  assert.ok(cut.endsWith('…'), cut);
  assert.ok(LONG.startsWith(cut.slice(0, -1)), cut);
  assert.ok(cut.length < LONG.length);
  assert.deepEqual(first?.slice(2, 5), ['5', '12.5s', '22']);
  assert.deepEqual(second?.slice(0, 5), ['ok', 'make deploy', '2', '3.5s', '0']);
});

test('filters: --status, --command, --limit, --since', async (t) => {
  const sb = sandbox(t);
  const commands = async (...args: string[]): Promise<string[]> => {
    const r = await run(sb, ['runs', ...args], { COLUMNS: '200' });
    assert.equal(r.code, 0, r.stderr);
    return rows(r.stdout.toString())
      .slice(1)
      .map((row) => `${row[0]} ${row[1]}`);
  };
  assert.deepEqual(await commands('--status', 'failed'), [`FAILED ${LONG}`, 'FAILED make deploy']);
  assert.deepEqual(await commands('--status', 'succeeded', '--command', 'deploy'), [
    'ok make deploy',
    'ok make deploy',
  ]);
  assert.deepEqual(await commands('--command', 'deploy'), ['ok make deploy', 'ok make deploy', 'FAILED make deploy']);
  assert.deepEqual(await commands('--limit', '2'), [`FAILED ${LONG}`, 'ok make deploy']);
  assert.deepEqual(await commands('--since', '1h'), [
    `FAILED ${LONG}`,
    'ok make deploy',
    'ok echo red done',
    'ok make deploy',
  ]);
  assert.deepEqual(await commands('--since', '2h30m', '--until', '40m'), ['ok make deploy', 'ok pg_isready -h db']);
  const none = await run(sb, ['runs', '--command', 'no such command']);
  assert.equal(none.stdout.toString(), 'No matching runs.\n');
});

test("--json is the API's own answer; --ndjson one run a line", async (t) => {
  const sb = sandbox(t);
  const j = await run(sb, ['runs', '--json']);
  assert.equal(j.code, 0, j.stderr);
  const api = await getJson(`${daemon.url}/api/metrics/recent?limit=20`);
  assert.deepEqual(JSON.parse(j.stdout.toString()), api.body);
  const failed = await run(sb, ['runs', '--json', '--status', 'failed', '--limit', '1']);
  const apiFailed = await getJson(`${daemon.url}/api/metrics/recent?limit=1&status=failed`);
  assert.deepEqual(JSON.parse(failed.stdout.toString()), apiFailed.body);

  const n = await run(sb, ['runs', '--ndjson', '--command', 'deploy']);
  assert.equal(n.code, 0, n.stderr);
  const lines = n.stdout.toString().trimEnd().split('\n');
  const apiDeploy = (await getJson(`${daemon.url}/api/metrics/recent?limit=20&command=deploy`)).body as {
    metrics: unknown[];
  };
  assert.equal(lines.length, 3);
  assert.deepEqual(
    lines.map((l) => JSON.parse(l) as unknown),
    apiDeploy.metrics,
  );
});

test('--label goes to the API as label=K=V: only the runs with that label, as the API lists them', async (t) => {
  const r = await run(sandbox(t), ['runs', '--label', 'team=ops', '--ndjson']);
  assert.equal(r.code, 0, r.stderr);
  const api = (await getJson(`${daemon.url}/api/metrics/recent?limit=20&label=team%3Dops`)).body as {
    metrics: Array<{ metrics: { labels?: Record<string, string> } }>;
  };
  assert.equal(api.metrics.length, 3);
  assert.ok(api.metrics.every((m) => m.metrics.labels?.team === 'ops'));
  const lines = r.stdout.toString().trimEnd().split('\n');
  assert.deepEqual(
    lines.map((l) => JSON.parse(l) as unknown),
    api.metrics,
  );
});

test('stats at COLUMNS=200 and 80: runs, success rate, rescued, busiest commands', async (t) => {
  const sb = sandbox(t);
  for (const width of [200, 80]) {
    const r = await run(sb, ['stats'], { COLUMNS: String(width) });
    assert.equal(r.code, 0, r.stderr);
    const text = r.stdout.toString();
    assertFits(text, width);
    const lines = text.trimEnd().split('\n');
    // The seeds of the last 24 h: six runs, four succeeded, two of them after a failed attempt.
    assert.match(lines[0] ?? '', /^Runs in the last 24h \(/);
    assert.equal(lines[1], '  runs          6');
    assert.equal(lines[2], '  success rate  66.7% (4 succeeded, 2 failed)');
    assert.equal(lines[3], '  attempts      15 (2.5 a run)');
    assert.equal(lines[4], '  rescued runs  2 (succeeded after a failed attempt)');
    assert.match(lines[5] ?? '', /^ {2}duration {6}p50 \S+ {2}p90 \S+ {2}p99 \S+$/);
    assert.equal(lines[7], 'Busiest commands');
    const table = rows(lines.slice(8).join('\n'));
    assert.deepEqual(table[0], ['COMMAND', 'RUNS', 'SUCCESS', 'P90']);
    assert.deepEqual(table[1], ['make deploy', '3', '66.7%', '7.5s']);
    assert.equal(table.length, 1 + 4);
    const curl = table.find((row) => row[0]?.startsWith('curl')) ?? [];
    if (width === 200) assert.deepEqual(curl, [LONG, '1', '0%', '12.5s']);
    else {
      assert.ok(curl[0]?.endsWith('…') && LONG.startsWith(curl[0].slice(0, -1)), curl[0]);
      assert.deepEqual(curl.slice(1), ['1', '0%', '12.5s']);
    }
  }
});

test("stats --json is the API's /stats answer for the same range", async (t) => {
  const start = new Date((NOW_S - 4 * HOUR) * 1000).toISOString();
  const end = new Date((NOW_S + 60) * 1000).toISOString();
  const r = await run(sandbox(t), ['stats', '--json', '--since', start, '--until', end]);
  assert.equal(r.code, 0, r.stderr);
  const api = await getJson(`${daemon.url}/api/metrics/stats?start=${start}&end=${end}`);
  assert.deepEqual(JSON.parse(r.stdout.toString()), api.body);
  assert.equal((api.body as { total_runs: number }).total_runs, 6);
});

test('stats --command: command= to the API, the figures of those commands only', async (t) => {
  const r = await run(sandbox(t), ['stats', '--command', 'deploy']);
  assert.equal(r.code, 0, r.stderr);
  const api = (await getJson(`${daemon.url}/api/metrics/commands?command=deploy`)).body as {
    commands: Array<{ command: string }>;
  };
  assert.deepEqual(
    api.commands.map((c) => c.command),
    ['make deploy'],
  );
  assert.match(r.stdout.toString(), /^Runs of commands containing "deploy" in the last 24h/);
  assert.match(r.stdout.toString(), /\n {2}runs {10}3\n/);
  const json = await run(sandbox(t), ['stats', '--command', 'deploy', '--json']);
  assert.equal(json.code, 0, json.stderr);
  assert.equal((JSON.parse(json.stdout.toString()) as { total_runs: number }).total_runs, 3);
});

/** Resolves once the stream's text so far includes `text`; fails after a generous limit that names it. */
function waitForOutput(stream: Readable, text: string, seen: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!seen().includes(text)) return;
      clearTimeout(timer);
      stream.off('data', check);
      resolve();
    };
    const timer = setTimeout(() => {
      stream.off('data', check);
      reject(new Error(`timed out waiting for ${JSON.stringify(text)}; got ${JSON.stringify(seen())}`));
    }, 20_000);
    stream.on('data', check);
    check();
  });
}

/** Starts `patience runs --follow …`; `out()` is its stdout so far. */
function follow(sb: Sandbox, d: TestDaemon, args: string[]) {
  let child: ChildProcess | undefined;
  let out = '';
  const done = patience(sb, ['runs', '--follow', ...args], {
    env: { PATIENCE_DAEMON_URL: d.url, COLUMNS: '120' },
    onStart(c) {
      child = c;
      c.stdout?.on('data', (b: Buffer) => (out += b.toString()));
    },
  });
  const c = child as unknown as ChildProcess;
  return {
    child: c,
    done,
    out: () => out,
    waitFor: (text: string) => waitForOutput(c.stdout as Readable, text, () => out),
  };
}

test('--follow prints the listing, then a run stored after it started; SIGINT ends it with 0', async (t) => {
  const d = await spawnTestDaemon();
  t.after(async () => {
    await d.stop();
    rmSync(d.dir, { recursive: true, force: true });
  });
  await seed(d, [SEEDS[1] as Seed, SEEDS[4] as Seed]);
  const sb = sandbox(t);
  const f = follow(sb, d, ['--status', 'failed', '--command', 'live']);
  // With these filters the listing is empty: the header says the listing is out.
  await f.waitFor('STATUS');
  const live = (command: string, ok: boolean): Seed => ({ ...(SEEDS[0] as Seed), command, ok, agoS: 0 });
  await send(d.socketPath, [
    record(live('live ok, filtered out', true), Math.floor(Date.now() / 1000)),
    record(live('live failure shown', false), Math.floor(Date.now() / 1000)),
  ]);
  await f.waitFor('live failure shown');
  f.child.kill('SIGINT');
  const r = await f.done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.toString().trimEnd().split('\n');
  assert.equal(lines.length, 2, r.stdout.toString());
  assert.match(lines[1] ?? '', /^FAILED {2}live failure shown +5 +12\.5s +decorrelated-jitter +22 +\d\d:\d\d:\d\d$/);
  assertFits(r.stdout.toString(), 120);

  // --ndjson: the listing oldest first, and the daemon going away is one line and exit 3.
  const n = follow(sb, d, ['--ndjson', '--command', 'make']);
  await n.waitFor('make deploy');
  await d.stop();
  const gone = await n.done;
  assert.equal(gone.code, 3);
  assert.match(
    oneLine(gone),
    /^patience: the daemon at http:\/\/127\.0\.0\.1:\d+ closed the event stream( \(\S.*\))?; no longer following$/,
  );
  const listed = gone.stdout
    .toString()
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as { metrics: { command: string } });
  assert.deepEqual(
    listed.map((x) => x.metrics.command),
    ['make deploy'],
  );
});

test('a daemon that is down: one line, exit 3, for runs, stats and --follow', async (t) => {
  const sb = sandbox(t);
  const url = `http://127.0.0.1:${await freePort()}`;
  for (const args of [['runs'], ['stats'], ['runs', '--follow'], ['stats', '--json']]) {
    const r = await patience(sb, [...args, '--daemon-url', url]);
    assert.equal(r.code, 3, args.join(' '));
    assert.equal(r.stdout.length, 0);
    assert.equal(
      oneLine(r),
      `patience: cannot reach the daemon at ${url}: connection refused (is patienced running? set --daemon-url or PATIENCE_DAEMON_URL)`,
    );
  }
});

test('an HTTP server that is not a daemon: one line, exit 3', async (t) => {
  const sb = sandbox(t);
  const missing = await serveHttp(t, (_req, res) => {
    res.writeHead(404, { 'Content-Type': 'text/html' }).end('<html><body><h1>404 Not Found</h1></body></html>');
  });
  const html = await serveHttp(t, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Welcome</title>');
  });
  const r404 = await patience(sb, ['runs', '--daemon-url', missing]);
  assert.equal(r404.code, 3);
  assert.equal(
    oneLine(r404),
    `patience: ${missing} does not answer as a patienced daemon (GET /api/metrics/recent: 404)`,
  );
  const rHtml = await patience(sb, ['runs', '--daemon-url', html]);
  assert.equal(rHtml.code, 3);
  assert.equal(
    oneLine(rHtml),
    `patience: ${html} does not answer as a patienced daemon (GET /api/metrics/recent: 200 but an HTML page)`,
  );
  const stats = await patience(sb, ['stats', '--daemon-url', html]);
  assert.equal(stats.code, 3);
  assert.match(
    oneLine(stats),
    /does not answer as a patienced daemon \(GET \/api\/metrics\/(stats|commands): 200 but an HTML page\)$/,
  );
  const events = await patience(sb, ['runs', '--follow', '--daemon-url', html]);
  assert.equal(events.code, 3);
  assert.equal(
    oneLine(events),
    `patience: ${html} does not answer as a patienced daemon (GET /api/events: 200 but an HTML page)`,
  );
});

test('usage errors and a filter the daemon refuses: one line and a hint, exit 2', async (t) => {
  const sb = sandbox(t);
  for (const args of [['--status', 'ok'], ['--since', 'yesterday'], ['--limit', '0'], ['--bogus']]) {
    const r = await run(sb, ['runs', ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^patience: .+\nUsage: patience runs \[options\]\nSee 'patience runs --help'\.\n$/);
  }
  const long = await run(sb, ['runs', '--command', 'x'.repeat(5000)]);
  assert.equal(long.code, 2, long.stderr);
  assert.match(oneLine(long), /^patience: the daemon refused the query: command: /);
});

test('--daemon-url beats PATIENCE_DAEMON_URL beats daemon_url in the config file', async (t) => {
  const sb = sandbox(t);
  const down = `http://127.0.0.1:${await freePort()}`;
  const configDir = join(sb.configDir, 'patience');
  mkdirSync(configDir, { recursive: true });
  const config = (url: string): void =>
    writeFileSync(join(configDir, 'config.toml'), `attempts = 2\ndaemon_url = "${url}"\n`);

  config(daemon.url);
  const fromFile = await patience(sb, ['runs', '--limit', '1']);
  assert.equal(fromFile.code, 0, fromFile.stderr);

  config(down);
  const fromEnv = await patience(sb, ['runs', '--limit', '1'], { env: { PATIENCE_DAEMON_URL: daemon.url } });
  assert.equal(fromEnv.code, 0, fromEnv.stderr);

  const fromFlag = await patience(sb, ['runs', '--limit', '1', '--daemon-url', daemon.url], {
    env: { PATIENCE_DAEMON_URL: down },
  });
  assert.equal(fromFlag.code, 0, fromFlag.stderr);

  const flagDown = await patience(sb, ['runs', '--daemon-url', down], { env: { PATIENCE_DAEMON_URL: daemon.url } });
  assert.equal(flagDown.code, 3);
  assert.match(oneLine(flagDown), new RegExp(`cannot reach the daemon at ${down}:`));

  config('not a url');
  const bad = await patience(sb, ['runs']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^patience: invalid value for daemon_url in \S+config\.toml line 2: must be an http/);
  // The strategies read the same file: daemon_url is theirs to check, and to skip.
  const strategy = await patience(sb, ['fixed', '-a', '1', '--no-report', '--', 'true']);
  assert.equal(strategy.code, 2);
  assert.match(strategy.stderr, /invalid value for daemon_url/);
  config(daemon.url);
  const ok = await patience(sb, ['fixed', '-a', '1', '--no-report', '--', 'true']);
  assert.equal(ok.code, 0, ok.stderr);
});
