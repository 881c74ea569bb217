// Host-wide rate limits (docs/coordination.md), the CLI side, end to end: real dist/patience.cjs processes sharing one rate
// limit, through the local ledger and through a real patienced; a daemon that dies, hangs
// or is absent costs one --daemon-timeout and one warning; --daemon-auto-start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { getJson, spawnTestDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { isRunning, patienced, waitFor } from '../helpers/service.ts';
import { fixture, patience, sandbox, type Ran, type Sandbox } from '../cli/helpers.ts';

const RATE = 2;
const WINDOW_MS = 3000;
/**
 * The fixture stamps its own start, a node start-up after patience admitted it. That
 * start-up varies (more on a loaded machine), so two stamps may sit closer than the two
 * admissions did; this much is allowed for it. Without any limit, six processes start
 * within a fraction of a second, far inside the tolerance.
 */
const SPAWN_TOLERANCE_MS = 750;
const FALLBACK = /using the local rate-limit ledger for this run/;

function starts(log: string): number[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map(Number)
    .sort((a, b) => a - b);
}

/** At most RATE starts in any WINDOW_MS: any RATE+1 consecutive starts span a window. */
function assertInsideLimit(times: number[]): void {
  for (let i = RATE; i < times.length; i++) {
    const span = (times[i] as number) - (times[i - RATE] as number);
    assert.ok(
      span >= WINDOW_MS - SPAWN_TOLERANCE_MS,
      `${RATE + 1} starts within ${span} ms: ${times.map((t) => t - (times[0] as number)).join(', ')}`,
    );
  }
}

/** Six concurrent `patience dio -r 2 -w 3s`; processes 0 and 1 fail once, so 8 attempts in all. */
async function sixProcesses(sb: Sandbox, extra: string[]): Promise<{ runs: Ran[]; log: string }> {
  const log = join(sb.dir, 'starts.log');
  const runs = await Promise.all(
    Array.from({ length: 6 }, (_, i) => {
      const cmd = [process.execPath, fixture('record-start.mjs'), log, ...(i < 2 ? [join(sb.dir, `marker-${i}`)] : [])];
      return patience(sb, [
        'dio',
        '-a',
        '2',
        '-o',
        '0,10ms',
        '-r',
        String(RATE),
        '-w',
        '3s',
        '--resource-id',
        'coord-test',
        '--no-report',
        ...extra,
        '--',
        ...cmd,
      ]);
    }),
  );
  return { runs, log };
}

test('six processes without --daemon share the local ledger: at most 2 starts per 3 s, all succeed', async (t) => {
  const sb = sandbox(t);
  const { runs, log } = await sixProcesses(sb, []);
  assert.deepEqual(
    runs.map((r) => r.code),
    [0, 0, 0, 0, 0, 0],
    runs.map((r) => r.stderr).join('\n---\n'),
  );
  const times = starts(log);
  assert.equal(times.length, 8);
  assertInsideLimit(times);
  assert.ok(
    runs.some((r) => /\[retry\] Rate limit for coord-test: waiting \d/.test(r.stderr)),
    'someone waited',
  );
});

test('six processes with --daemon share patienced: at most 2 starts per 3 s, no fallback, /api/coordination shows the grants', async (t) => {
  const sb = sandbox(t);
  const d = await spawnTestDaemon();
  t.after(() => stopAndRemove(d));
  const { runs, log } = await sixProcesses(sb, ['--daemon', '--daemon-socket', d.socketPath]);
  for (const r of runs) assert.doesNotMatch(r.stderr, FALLBACK);
  assert.deepEqual(
    runs.map((r) => r.code),
    [0, 0, 0, 0, 0, 0],
  );
  const times = starts(log);
  assert.equal(times.length, 8);
  assertInsideLimit(times);
  assert.ok(
    runs.some((r) => /\[retry\] Rate limit for coord-test: waiting \d/.test(r.stderr)),
    'someone waited',
  );
  // The local ledger was not used: the daemon was the one authority.
  assert.equal(existsSync(join(sb.stateDir, 'patience', 'ledger', 'coord-test.json')), false);
  const api = await getJson(`${d.url}/api/coordination`);
  assert.equal(api.status, 200);
  const body = api.body as { resources: Array<Record<string, unknown>> };
  const entry = body.resources.find((e) => e.resource_id === 'coord-test');
  assert.ok(entry, `coord-test is not listed: ${JSON.stringify(api.body)}`);
  // Every one of the 8 starts was granted by the daemon, and the waits were its refusals.
  assert.equal(entry.granted_total, 8);
  assert.equal(entry.rate_limit, 2);
  assert.equal(entry.window_seconds, 3);
  assert.ok((entry.refused_total as number) > 0, JSON.stringify(entry));
});

interface FakeDaemon {
  path: string;
  acquires: string[];
  connections: number;
  close(): Promise<void>;
}

/** A socket server standing in for patienced: grants (and then dies after `grants` grants), or hangs. */
async function fakeDaemon(sb: Sandbox, mode: { grants: number } | 'hang'): Promise<FakeDaemon> {
  const path = join(sb.dir, `fake-${Math.random().toString(36).slice(2)}.sock`);
  const sockets = new Set<Socket>();
  const server: Server = createServer();
  const f: FakeDaemon = {
    path,
    acquires: [],
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  server.on('connection', (s) => {
    f.connections++;
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    let buf = '';
    s.on('data', (chunk) => {
      buf += chunk.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0 || mode === 'hang') return;
      f.acquires.push(buf.slice(0, nl));
      s.end('{"status":"ok","granted":true}\n');
      // Killed between attempts: nothing listens on the socket any more.
      if (f.acquires.length >= mode.grants) void f.close();
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  t_after(sb, () => f.close());
  return f;
}

const closers = new WeakMap<Sandbox, Array<() => Promise<void>>>();
function t_after(sb: Sandbox, fn: () => Promise<void>): void {
  const list = closers.get(sb) ?? [];
  list.push(fn);
  closers.set(sb, list);
}
async function closeAll(sb: Sandbox): Promise<void> {
  for (const fn of closers.get(sb) ?? []) await fn();
}

test('the daemon is killed mid-run: one warning, the local ledger, and the command’s own exit code', async (t) => {
  const sb = sandbox(t);
  const d = await spawnTestDaemon();
  t.after(() => stopAndRemove(d));
  const pid = String(d.child.pid);
  // The first attempt is granted by the real daemon, then kills it (-9: its socket file stays).
  const r = await patience(sb, [
    'dio',
    '-a',
    '3',
    '-o',
    '0,10ms',
    '-r',
    '10',
    '-w',
    '1m',
    '--no-report',
    '--daemon',
    '--daemon-socket',
    d.socketPath,
    '--',
    'sh',
    '-c',
    `kill -9 ${pid} 2>/dev/null; exit 3`,
  ]);
  assert.equal(r.code, 3);
  assert.equal(r.stderr.match(/\[retry\] Attempt \d\/3 starting/g)?.length, 3);
  const warnings = r.stderr.match(/patience: warning: .*/g) ?? [];
  assert.equal(warnings.length, 1, r.stderr);
  // Gone (refused), or dying as the next attempt connects (closed without an answer, or
  // the kernel resets a connection still in the backlog of a listener that is going away).
  assert.match(
    warnings[0] as string,
    /(no patienced answers at \S+ \((ENOENT|ECONNREFUSED|ECONNRESET)\)|closed the connection without an answer); using the local rate-limit ledger for this run/,
  );
  // The daemon granted attempt 1; the ledger took over for attempts 2 and 3.
  const ledger = JSON.parse(readFileSync(join(sb.stateDir, 'patience', 'ledger', 'cmd-sh.json'), 'utf8')) as {
    starts: number[];
  };
  assert.equal(ledger.starts.length, 2);
});

test('a hung daemon (accepts, never answers) costs --daemon-timeout once, with one warning, over several attempts', async (t) => {
  const sb = sandbox(t);
  t.after(() => closeAll(sb));
  const f = await fakeDaemon(sb, 'hang');
  const args = ['dio', '-a', '4', '-o', '0,10ms', '-r', '100', '-w', '1m', '--no-report', '--resource-id', 'hung-test'];
  const cmd = ['--', 'sh', '-c', 'exit 1'];
  const TIMEOUT_MS = 1000;
  const alone = await patience(sb, [...args, ...cmd]);
  const hung = await patience(sb, [
    ...args,
    '--daemon',
    '--daemon-socket',
    f.path,
    '--daemon-timeout',
    `${TIMEOUT_MS}ms`,
    ...cmd,
  ]);
  assert.deepEqual([alone.code, hung.code], [1, 1]);
  assert.equal(hung.stderr.match(/\[retry\] Attempt \d\/4 starting/g)?.length, 4);
  assert.equal(f.connections, 1, 'the daemon is asked once, not before every attempt');
  const warnings = hung.stderr.match(/patience: warning: .*/g) ?? [];
  assert.deepEqual(warnings, [
    `patience: warning: patienced at ${f.path} did not answer within 1s; using the local rate-limit ledger for this run`,
  ]);
  // Four attempts behind a hung daemon would cost 4 s more if each one waited for it.
  const extra = hung.ms - alone.ms;
  assert.ok(
    extra < TIMEOUT_MS + 1500,
    `the hung daemon cost ${extra} ms more than no daemon (limit ${TIMEOUT_MS} ms, once)`,
  );
});

/**
 * patienced started by --daemon-auto-start: its pid file, log and cleanup. Its own temp
 * dir, removed only after the daemon is stopped (the sandbox's dir may go first).
 */
function autoStarted(t: { after(fn: () => unknown): void }) {
  const dir = mkdtempSync(join(tmpdir(), 'patience-auto-'));
  const socketPath = join(dir, 'auto.sock');
  const pidFile = `${socketPath}.pid`;
  const config = join(dir, 'daemon.json');
  writeFileSync(config, '{}\n');
  // What the started daemon inherits: an empty config file and port 0, never 8080.
  const env = { RETRY_CONFIG: config, RETRY_HTTP_PORT: '0' };
  const seen = new Set<number>();
  const pid = (): number => {
    const p = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    seen.add(p);
    return p;
  };
  t.after(async () => {
    if (existsSync(pidFile)) {
      pid();
      await patienced(['-stop', '-socket', socketPath, '-pid-file', pidFile], { env: { RETRY_CONFIG: config } });
    }
    for (const p of seen) if (isRunning(p)) process.kill(p, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  return { socketPath, pidFile, config, env, pid };
}

test('--daemon-auto-start starts patienced -daemon on the socket (pid file PATH.pid beside it), and it is stopped again', async (t) => {
  const sb = sandbox(t);
  const a = autoStarted(t);
  const r = await patience(
    sb,
    [
      'dio',
      '-a',
      '1',
      '--no-report',
      '--resource-id',
      'auto-test',
      '--daemon',
      '--daemon-auto-start',
      '--daemon-socket',
      a.socketPath,
      '--',
      'true',
    ],
    { env: a.env },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(a.pidFile), `no pid file ${a.pidFile}: ${r.stderr}`);
  assert.ok(isRunning(a.pid()), 'the started daemon runs');
  assert.ok(existsSync(`${a.socketPath}.log`), 'its log sits beside the socket');
  assert.doesNotMatch(r.stderr, /starting one failed/);
  const stop = await patienced(['-stop', '-socket', a.socketPath, '-pid-file', a.pidFile], {
    env: { RETRY_CONFIG: a.config },
  });
  assert.equal(stop.code, 0, stop.stderr);
  await waitFor('the auto-started daemon to exit', () => !existsSync(a.socketPath));
});

test('--daemon-auto-start: the run is granted through the daemon it started', async (t) => {
  const sb = sandbox(t);
  const a = autoStarted(t);
  const r = await patience(
    sb,
    [
      'dio',
      '-a',
      '1',
      '--no-report',
      '--resource-id',
      'auto-test',
      '--daemon',
      '--daemon-auto-start',
      '--daemon-socket',
      a.socketPath,
      '--',
      'true',
    ],
    { env: a.env },
  );
  assert.equal(r.code, 0);
  assert.doesNotMatch(r.stderr, /patience: warning/);
  const log = readFileSync(`${a.socketPath}.log`, 'utf8');
  const http = /"http":"([^"]+)"/.exec(log)?.[1];
  assert.ok(http, `no HTTP address in the log: ${log}`);
  const api = await getJson(`http://${http}/api/coordination`);
  const entry = (api.body as { resources: Array<Record<string, unknown>> }).resources.find(
    (e) => e.resource_id === 'auto-test',
  );
  assert.equal(entry?.granted_total, 1, JSON.stringify(api.body));
});

test('a second run finds the auto-started daemon and does not start another', async (t) => {
  const sb = sandbox(t);
  const a = autoStarted(t);
  const args = [
    'dio',
    '-a',
    '1',
    '--no-report',
    '--resource-id',
    'auto-test',
    '--daemon',
    '--daemon-auto-start',
    '--daemon-socket',
    a.socketPath,
    '--',
    'true',
  ];
  assert.equal((await patience(sb, args, { env: a.env })).code, 0);
  const first = a.pid();
  const again = await patience(sb, args, { env: a.env });
  assert.equal(again.code, 0);
  assert.equal(a.pid(), first);
  assert.doesNotMatch(again.stderr, /starting one failed/);
});

test('dioph is an alias of diophantine; --help lists --daemon-timeout and --daemon-auto-start', async (t) => {
  const sb = sandbox(t);
  const help = await patience(sb, ['dioph', '--help']);
  assert.equal(help.code, 0);
  const text = help.stdout.toString();
  assert.match(text, /Usage: patience diophantine/);
  assert.match(
    text,
    /--daemon-timeout <D>\s+time limit of each exchange with patienced,\s+1ms\.\.60s \(default:\s+200ms\)/,
  );
  assert.match(text, /--daemon-auto-start\s+start patienced -daemon/);
  assert.match(text, /Aliases: dio, dioph/);
  const run = await patience(sb, ['dioph', '-a', '1', '--no-report', '--', 'true']);
  assert.equal(run.code, 0);
  const root = await patience(sb, ['--help']);
  assert.match(root.stdout.toString(), /diophantine, dio, dioph/);
  const bad = await patience(sb, ['dio', '--daemon-timeout', '0s', '--', 'true']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--daemon-timeout: must be from 1ms to 60s/);
});

/** Stops the daemon (one killed by the test has already exited) and removes its directory. */
async function stopAndRemove(d: TestDaemon): Promise<void> {
  await d.stop();
  rmSync(d.dir, { recursive: true, force: true });
}
