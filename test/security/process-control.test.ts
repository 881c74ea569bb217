// docs/security.md, "kill primitive" and "file disclosure and clobbering": patienced run as root
// beside a directory that another local user (here `nobody`, via setpriv) can write to.
// -stop must never signal a PID it cannot prove is its own daemon, and the pid file, the
// log file and the socket must never be followed, read out, hung on, or appended to when
// another user planted them. Every command runs against the real binary, with a deadline
// (run's timeoutMs), so that a hang fails the test instead of hanging the suite.
import { after, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DAEMON_BIN, tempDir } from '../helpers/daemon.ts';
import { isRunning, killLeftovers, run, startedPid, waitFor, type Ran } from '../helpers/service.ts';

after(killLeftovers);

const ROOT = process.getuid?.() === 0;
const NOBODY = ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];
/** Generous: only a hang (the bug) reaches it, never a slow machine. */
const HANG_MS = 20_000;

const spawned = new Set<ChildProcess>();
after(() => {
  for (const c of spawned) c.kill('SIGKILL');
});

function skipUnlessRoot(t: TestContext): boolean {
  if (ROOT) return false;
  t.skip(
    'needs root: the hostile local user runs as nobody via setpriv, and the victim must be one only root may signal',
  );
  return true;
}

interface Arena {
  dir: string;
  /** World-writable without the sticky bit (a run directory shared by mistake): the kernel's
   * protected_symlinks/protected_fifos do not apply, so only patienced itself stands guard. */
  shared: string;
  pidFile: string;
  socketPath: string;
  config: string;
  args: string[];
}

function arena(): Arena {
  const dir = tempDir('patience-proc-');
  fs.chmodSync(dir, 0o755);
  const shared = path.join(dir, 'shared');
  fs.mkdirSync(shared);
  fs.chmodSync(shared, 0o777);
  const config = path.join(dir, 'daemon.json');
  fs.writeFileSync(config, '{}\n');
  const pidFile = path.join(shared, 'd.pid');
  const socketPath = path.join(shared, 'd.sock');
  return {
    dir,
    shared,
    pidFile,
    socketPath,
    config,
    args: ['-config', config, '-socket', socketPath, '-pid-file', pidFile, '-port', '0'],
  };
}

function patienced(a: Arena, args: string[]): Promise<Ran> {
  return run(process.execPath, [DAEMON_BIN, ...a.args, ...args], {
    env: { HOME: a.dir },
    cwd: a.dir,
    timeoutMs: HANG_MS,
  });
}

/** Runs a command as nobody and waits for it. */
function asNobody(cmd: string[]): void {
  const r = spawnSync('setpriv', [...NOBODY, ...cmd], { encoding: 'utf8' });
  assert.equal(r.status, 0, `as nobody: ${cmd.join(' ')}: ${r.stderr}`);
}

/** A process only root may signal, which must outlive every -stop here. */
function victim(...args: string[]): ChildProcess {
  const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)', ...args], { stdio: 'ignore' });
  spawned.add(c);
  return c;
}

/** A long-running program of nobody's that prints one line once it is ready. */
async function hostile(script: string, args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn('setpriv', [...NOBODY, process.execPath, '-e', script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  spawned.add(child);
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('exit', (code) => reject(new Error(`the hostile responder exited (${code})`)));
  });
  return { child, line };
}

/** What a daemon would answer, naming the victim's PID. */
const fakeStatus = (pid: number): string =>
  JSON.stringify({
    pid,
    version: '6.6.6',
    uptime_seconds: 1,
    socket_path: '/x',
    http: '',
    total_metrics: 0,
    max_metrics: 1,
    max_size: 1,
    storage: 'memory',
    profiling: false,
  });

test('-stop never signals a PID that only an answer on the socket path names', async (t) => {
  if (skipUnlessRoot(t)) return;
  const a = arena();
  t.after(() => fs.rmSync(a.dir, { recursive: true, force: true }));
  const v = victim();
  const pid = v.pid ?? 0;
  const script = `const [p, body] = process.argv.slice(1);
require('net').createServer((s) => { s.on('data', () => {}); s.on('error', () => {}); s.end('{"status":"ok","daemon":' + body + '}\\n'); })
  .listen(p, () => console.log('ready'));`;
  await hostile(script, [a.socketPath, fakeStatus(pid)]);
  assert.equal(fs.lstatSync(a.socketPath).uid, 65534, "the socket is nobody's");

  const stop = await patienced(a, ['-stop']);
  assert.ok(isRunning(pid), `the victim was signalled: ${stop.stdout}${stop.stderr}`);
  assert.equal(stop.code, 1, stop.stdout);
  assert.match(
    stop.stderr,
    new RegExp(`answers on ${a.socketPath}.*pid ${pid}.*no pid file at .*cannot be proven.*nothing was signalled`),
  );
});

test('-stop never signals a PID that only an answer on the HTTP port names', async (t) => {
  if (skipUnlessRoot(t)) return;
  const a = arena();
  t.after(() => fs.rmSync(a.dir, { recursive: true, force: true }));
  const v = victim();
  const pid = v.pid ?? 0;
  const script = `const body = process.argv[1];
const srv = require('http').createServer((q, r) => { r.setHeader('content-type', 'application/json'); r.end(body); });
srv.listen(0, '127.0.0.1', () => console.log(srv.address().port));`;
  const { line: port } = await hostile(script, [fakeStatus(pid)]);

  const stop = await patienced(a, ['-port', port, '-stop']);
  assert.ok(isRunning(pid), `the victim was signalled: ${stop.stdout}${stop.stderr}`);
  assert.equal(stop.code, 1, stop.stdout);
  assert.match(stop.stderr, new RegExp(`answers on HTTP port ${port} .*pid ${pid}.*nothing was signalled`));
});

test('a pid file naming a process whose arguments merely contain "patienced" proves nothing', async (t) => {
  const a = arena();
  t.after(() => fs.rmSync(a.dir, { recursive: true, force: true }));
  const v = victim('patienced', '/opt/patienced/patienced.cjs');
  const pid = v.pid ?? 0;
  await waitFor('the victim to run', () => fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('patienced'));
  fs.writeFileSync(a.pidFile, `${pid}\n`);

  const stop = await patienced(a, ['-stop']);
  assert.ok(isRunning(pid), `the victim was signalled: ${stop.stdout}${stop.stderr}`);
  assert.equal(stop.code, 1);
  assert.match(
    stop.stderr,
    new RegExp(`names pid ${pid}, a live process that is not proven to be this patienced.*nothing was signalled`),
  );
  const status = await patienced(a, ['-status']);
  assert.equal(status.code, 4, 'status unknown, not "running"');
  assert.doesNotMatch(status.stdout, /is running/);
});

test('a pid file symlinked to a root-only file is neither read out nor logged; the -daemon log is private', async (t) => {
  if (skipUnlessRoot(t)) return;
  const a = arena();
  t.after(() => fs.rmSync(a.dir, { recursive: true, force: true }));
  const secretFile = path.join(a.dir, 'secret');
  const secret = `SECRET-${randomBytes(8).toString('hex')}`;
  fs.writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
  asNobody(['ln', '-s', secretFile, a.pidFile]);

  const outputs: Ran[] = [];
  const started = await patienced(a, ['-daemon']);
  outputs.push(started);
  if (started.code === 0) startedPid(started.stdout);
  assert.equal(started.code, 1, started.stdout);
  assert.match(started.stderr, new RegExp(`pid_file ${a.pidFile} is a symbolic link`));
  outputs.push(await patienced(a, ['-status']), await patienced(a, ['-stop']));
  assert.equal(outputs[1]?.code, 4);
  assert.equal(outputs[2]?.code, 1);
  assert.match(outputs[2]?.stderr ?? '', /pid_file .* is a symbolic link/);

  const log = path.join(a.shared, 'd.log');
  const logged = fs.readFileSync(log, 'utf8');
  for (const o of outputs) assert.doesNotMatch(o.stdout + o.stderr, new RegExp(secret));
  assert.doesNotMatch(logged, new RegExp(secret), 'the log holds the secret');
  assert.equal(
    fs.statSync(log).mode & 0o007,
    0,
    `the -daemon log is world-accessible: ${(fs.statSync(log).mode & 0o777).toString(8)}`,
  );
  assert.equal(fs.readlinkSync(a.pidFile), secretFile, 'the symlink is left alone');
  assert.equal(fs.readFileSync(secretFile, 'utf8'), `${secret}\n`);
});

test(
  'a FIFO pid file: start, -daemon, -status and -stop all return at once with an error naming pid_file',
  { timeout: 4 * HANG_MS },
  async (t) => {
    const a = arena();
    t.after(() => fs.rmSync(a.dir, { recursive: true, force: true }));
    if (ROOT) asNobody(['mkfifo', a.pidFile]);
    else spawnSync('mkfifo', [a.pidFile]);
    const said = /pid_file .*d\.pid is not a regular file \(it is a FIFO\)/;
    const fg = await patienced(a, []);
    assert.equal(fg.code, 1);
    assert.match(fg.stderr, said);
    const bg = await patienced(a, ['-daemon']);
    if (bg.code === 0) startedPid(bg.stdout);
    assert.equal(bg.code, 1);
    assert.match(bg.stderr, said);
    const status = await patienced(a, ['-status']);
    assert.equal(status.code, 4);
    assert.match(status.stderr, said);
    const stop = await patienced(a, ['-stop']);
    assert.equal(stop.code, 1);
    assert.match(stop.stderr, said);
    assert.ok(fs.lstatSync(a.pidFile).isFIFO(), 'left alone');
  },
);

test('a pid file symlinked to /dev/zero is not read', { timeout: 4 * HANG_MS }, async (t) => {
  const a = arena();
  t.after(() => fs.rmSync(a.dir, { recursive: true, force: true }));
  fs.symlinkSync('/dev/zero', a.pidFile);
  for (const [args, code] of [
    [[], 1],
    [['-status'], 4],
    [['-stop'], 1],
  ] as const) {
    const r = await patienced(a, [...args]);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /pid_file .*d\.pid is a symbolic link/, args.join(' '));
  }
});

test('a log_file symlink planted by another user is not followed nor appended to', async (t) => {
  if (skipUnlessRoot(t)) return;
  const a = arena();
  t.after(() => fs.rmSync(a.dir, { recursive: true, force: true }));
  const target = path.join(a.dir, 'important');
  fs.writeFileSync(target, 'root data\n', { mode: 0o600 });
  const log = path.join(a.shared, 'd.log');
  asNobody(['ln', '-s', target, log]);
  const fg = await patienced(a, ['-log-file', log]);
  assert.equal(fg.code, 1, fg.stderr);
  assert.match(fg.stderr, new RegExp(`cannot open log_file ${log}: it is a symbolic link`));
  assert.equal(fs.readFileSync(target, 'utf8'), 'root data\n', 'appended through the symlink');
  assert.equal(fs.existsSync(a.pidFile), false, 'nothing left behind');
});

test("a stale socket file of another user's is not unlinked", async (t) => {
  if (skipUnlessRoot(t)) return;
  const a = arena();
  t.after(() => fs.rmSync(a.dir, { recursive: true, force: true }));
  // Nobody binds and dies at once: a socket file nobody answers on, owned by nobody.
  spawnSync('setpriv', [
    ...NOBODY,
    process.execPath,
    '-e',
    `require('net').createServer().listen(${JSON.stringify(a.socketPath)}, () => process.kill(process.pid, 'SIGKILL'))`,
  ]);
  assert.equal(fs.lstatSync(a.socketPath).uid, 65534);
  const fg = await patienced(a, []);
  assert.equal(fg.code, 1, fg.stderr);
  assert.match(
    fg.stderr,
    new RegExp(`${a.socketPath} is a socket owned by uid 65534, neither this user \\(uid 0\\) nor root.*socket_path`),
  );
  assert.equal(fs.lstatSync(a.socketPath).uid, 65534, 'left alone');
});
