import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { showStatus, stopDaemon, type ControlDeps } from './control.ts';
import { KEYS, type DaemonConfig } from './config/index.ts';
import type { Answer } from './status-query.ts';
import type { DaemonStatus } from './status-request.ts';
import { fakeProbe, PATIENCED_CMDLINE, type FakeProcess } from './test-support.ts';

function sink(): Writable & { text: () => string } {
  let text = '';
  const w = new Writable({
    write(c: Buffer, _e, done) {
      text += c.toString();
      done();
    },
  });
  return Object.assign(w, { text: () => text });
}

function config(dir: string): DaemonConfig {
  const defaults = Object.fromEntries(Object.entries(KEYS).map(([f, s]) => [f, s.default])) as unknown as DaemonConfig;
  return { ...defaults, pidFile: path.join(dir, 'd.pid'), socketPath: path.join(dir, 'd.sock'), httpPort: 0 };
}

const STATUS: DaemonStatus = {
  pid: 500,
  version: '9.9.9',
  uptime_seconds: 3723.4,
  socket_path: '/x/d.sock',
  http: '127.0.0.1:8081',
  total_metrics: 12,
  max_metrics: 10000,
  storage: 'memory',
  profiling: false,
};

function world(dir: string, table: Map<number, FakeProcess>, answer: Answer) {
  const stdout = sink();
  const stderr = sink();
  let clock = 0;
  const kills: Array<[number, string]> = [];
  const deps: ControlDeps = {
    stdout,
    stderr,
    pid: 1,
    probe: fakeProbe(table),
    ask: async () => answer,
    kill: (pid, sig) => void kills.push([pid, sig]),
    sleep: async (ms) => void (clock += ms),
    now: () => clock,
    bundle: BUNDLE,
    owner: { uid: UID },
    fs: {
      unlinkSync: fs.unlinkSync,
      lstatSync: (() => ({ isSocket: () => true, uid: UID })) as unknown as typeof fs.lstatSync,
    },
  };
  return { deps, stdout, stderr, kills, cfg: config(dir), elapsed: () => clock };
}

const UID = process.getuid?.() ?? 0;
const BUNDLE = '/usr/local/lib/patience/dist/patienced.cjs';
const TOKEN = 'ab'.repeat(16);

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'control-'));
const none: Answer = { ok: false, why: 'socket: nobody is listening' };

test('-status: running, with what the daemon says; exit 0', async () => {
  const dir = tmp();
  const w = world(dir, new Map([[500, { state: 'alive', cmdline: PATIENCED_CMDLINE }]]), {
    ok: true,
    via: 'socket',
    status: STATUS,
  });
  fs.writeFileSync(w.cfg.pidFile, '500\n');
  assert.equal(await showStatus(w.cfg, w.deps), 0);
  const out = w.stdout.text();
  assert.match(out, /^patienced is running \(pid 500\)\n/);
  for (const re of [
    /version +9\.9\.9/,
    /uptime +1h2m3s/,
    /http +http:\/\/127\.0\.0\.1:8081/,
    /records +12 \(max_metrics 10000\)/,
    /storage +memory/,
  ])
    assert.match(out, re);
  assert.doesNotMatch(out, /note:/);
  fs.rmSync(dir, { recursive: true });
});

test('-status: not running is exit 3, and says why', async () => {
  const dir = tmp();
  const w = world(dir, new Map(), none);
  assert.equal(await showStatus(w.cfg, w.deps), 3);
  assert.match(w.stdout.text(), /not running \(no pid file at .*d\.pid; nothing answers on .*d\.sock\)/);
  fs.writeFileSync(w.cfg.pidFile, '600\n');
  assert.equal(await showStatus(w.cfg, w.deps), 3);
  assert.match(w.stdout.text(), /stale pid file .*pid 600 is gone/);
  fs.rmSync(dir, { recursive: true });
});

test('-status: a live pid file without an answer is still running (exit 0)', async () => {
  const dir = tmp();
  const w = world(dir, new Map([[500, { state: 'alive', cmdline: PATIENCED_CMDLINE }]]), none);
  fs.writeFileSync(w.cfg.pidFile, '500\n');
  assert.equal(await showStatus(w.cfg, w.deps), 0);
  assert.match(w.stdout.text(), /running \(pid 500, .*\) but does not answer: socket: nobody is listening/);
  fs.rmSync(dir, { recursive: true });
});

test('-stop: SIGTERM, waits until the process is gone, exit 0', async () => {
  const dir = tmp();
  const table = new Map<number, FakeProcess>([[500, { state: 'alive', cmdline: PATIENCED_CMDLINE }]]);
  const w = world(dir, table, none);
  fs.writeFileSync(w.cfg.pidFile, '500\n');
  const sleep = w.deps.sleep;
  w.deps.sleep = async (ms) => {
    await sleep?.(ms);
    if (w.elapsed() >= 300) table.set(500, { state: 'zombie', cmdline: '' }); // exited, not yet reaped
  };
  assert.equal(await stopDaemon(w.cfg, w.deps), 0);
  assert.deepEqual(w.kills, [[500, 'SIGTERM']]);
  assert.ok(w.elapsed() >= 300, 'it waited for the exit');
  assert.equal(w.stdout.text(), 'patienced stopped (pid 500)\n');
  fs.rmSync(dir, { recursive: true });
});

test('-stop: gives up after 10 s with exit 1, having sent one SIGTERM', async () => {
  const dir = tmp();
  const w = world(dir, new Map([[500, { state: 'alive', cmdline: PATIENCED_CMDLINE }]]), none);
  fs.writeFileSync(w.cfg.pidFile, '500\n');
  assert.equal(await stopDaemon(w.cfg, w.deps), 1);
  assert.deepEqual(w.kills, [[500, 'SIGTERM']]);
  assert.equal(w.elapsed(), 10_000);
  assert.match(w.stderr.text(), /pid 500 is still running 10s after SIGTERM/);
  fs.rmSync(dir, { recursive: true });
});

test('-stop: not allowed is exit 4; not running is exit 0 and removes a stale pid file', async () => {
  const dir = tmp();
  const w = world(dir, new Map([[500, { state: 'alive', cmdline: PATIENCED_CMDLINE }]]), none);
  fs.writeFileSync(w.cfg.pidFile, '500\n');
  w.deps.kill = () => {
    throw Object.assign(new Error('EPERM'), { code: 'EPERM' });
  };
  assert.equal(await stopDaemon(w.cfg, w.deps), 4);
  assert.match(w.stderr.text(), /not allowed to stop patienced \(pid 500\).*sudo/);

  const gone = world(dir, new Map(), none);
  assert.equal(await stopDaemon(gone.cfg, gone.deps), 0);
  assert.match(gone.stdout.text(), /not running \(removed the stale pid file .*pid 500 is gone/);
  assert.equal(fs.existsSync(gone.cfg.pidFile), false);
  assert.deepEqual(gone.kills, []);
  fs.rmSync(dir, { recursive: true });
});

test('-stop: a PID that only a socket or HTTP answer names is never signalled (exit 1, says why)', async () => {
  for (const via of ['socket', 'http'] as const) {
    const dir = tmp();
    const w = world(dir, new Map([[500, { state: 'alive', cmdline: PATIENCED_CMDLINE }]]), {
      ok: true,
      via,
      status: STATUS,
    });
    assert.equal(await stopDaemon(w.cfg, w.deps), 1, via);
    assert.deepEqual(w.kills, [], via);
    assert.match(
      w.stderr.text(),
      /a daemon answers on .* \(it says it is pid 500\), but no pid file at .*cannot be proven .*nothing was signalled/,
      via,
    );
    fs.rmSync(dir, { recursive: true });
  }
});

test('-stop/-status: a live process that merely looks like patienced is not proven, not signalled', async () => {
  const dir = tmp();
  const w = world(dir, new Map([[500, { state: 'alive', cmdline: 'sleep\x00600\x00patienced\0' }]]), none);
  fs.writeFileSync(w.cfg.pidFile, `500\n${TOKEN}\n`);
  assert.equal(await stopDaemon(w.cfg, w.deps), 1);
  assert.deepEqual(w.kills, []);
  assert.match(
    w.stderr.text(),
    /names pid 500, a live process that is not proven to be this patienced .*nothing was signalled/,
  );
  assert.equal(fs.existsSync(w.cfg.pidFile), true, 'not removed either');
  assert.equal(await showStatus(w.cfg, w.deps), 4);
  fs.rmSync(dir, { recursive: true });
});

test('-stop: the pid file token, said by the daemon on a socket of ours, proves it', async () => {
  const other = 'node\0other/patienced.cjs\0';
  const answer = (via: 'socket' | 'http', instance: string): Answer => ({
    ok: true,
    via,
    status: { ...STATUS, instance },
  });
  const cases: Array<[string, Answer, number, boolean]> = [
    ['token on our socket', answer('socket', TOKEN), 500, true],
    ['token over HTTP', answer('http', TOKEN), 500, false],
    ['another token', answer('socket', 'cd'.repeat(16)), 500, false],
    ['socket owned by another user', answer('socket', TOKEN), 500, false],
  ];
  for (const [what, ans, pid, signalled] of cases) {
    const dir = tmp();
    const table = new Map<number, FakeProcess>([[pid, { state: 'alive', cmdline: other }]]);
    const w = world(dir, table, ans);
    if (what.startsWith('socket owned')) {
      w.deps.fs = {
        unlinkSync: fs.unlinkSync,
        lstatSync: (() => ({ isSocket: () => true, uid: UID + 1 })) as unknown as typeof fs.lstatSync,
      };
    }
    w.deps.kill = (p, sig) => {
      w.kills.push([p, sig]);
      table.delete(p);
    };
    fs.writeFileSync(w.cfg.pidFile, `${pid}\n${TOKEN}\n`);
    assert.equal(await stopDaemon(w.cfg, w.deps), signalled ? 0 : 1, what);
    assert.deepEqual(w.kills, signalled ? [[pid, 'SIGTERM']] : [], what);
    fs.rmSync(dir, { recursive: true });
  }
});

test('-status/-stop: a FIFO or symlink pid file is refused at once, naming pid_file', async () => {
  const dir = tmp();
  const w = world(dir, new Map(), none);
  const cases: Array<[string, () => void, RegExp]> = [
    ['FIFO', () => execFileSync('mkfifo', [w.cfg.pidFile]), /pid_file .*d\.pid is not a regular file \(it is a FIFO\)/],
    ['symlink', () => fs.symlinkSync('/dev/zero', w.cfg.pidFile), /pid_file .*d\.pid is a symbolic link/],
  ];
  for (const [what, make, why] of cases) {
    make();
    assert.equal(await showStatus(w.cfg, w.deps), 4, what);
    assert.equal(await stopDaemon(w.cfg, w.deps), 1, what);
    assert.match(w.stderr.text(), why, what);
    assert.ok(fs.lstatSync(w.cfg.pidFile), `${what}: left in place`);
    fs.rmSync(w.cfg.pidFile);
  }
  fs.rmSync(dir, { recursive: true });
});

test('-status prints no terminal control sequences from whatever answers', async () => {
  const dir = tmp();
  const w = world(dir, new Map(), {
    ok: true,
    via: 'socket',
    status: { ...STATUS, version: '1\u001b]0;pwned\u0007', storage: 'x\ry' },
  });
  assert.equal(await showStatus(w.cfg, w.deps), 0);
  assert.doesNotMatch(w.stdout.text(), /[\u001b\u0007\r]/);
  assert.match(w.stdout.text(), /version +1\?]0;pwned\?/);
  fs.rmSync(dir, { recursive: true });
});
