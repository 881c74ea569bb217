import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ChildProcess, spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { childArguments, defaultLogFile, DETACHED_ENV, startDetached, type ChildReport } from './daemonize.ts';
import { KEYS, type DaemonConfig } from './config/index.ts';

test('the child gets the same arguments less -daemon, plus a log file when none is set', () => {
  assert.deepEqual(childArguments(['-port', '0', '-daemon', '--daemon=true', '-socket', '/s'], undefined), [
    '-port',
    '0',
    '-socket',
    '/s',
  ]);
  assert.deepEqual(childArguments(['--daemon'], '/tmp/retry-daemon.log'), ['-log-file', '/tmp/retry-daemon.log']);
  assert.equal(defaultLogFile('/tmp/retry-daemon.pid'), '/tmp/retry-daemon.log');
  assert.equal(defaultLogFile('/run/patienced'), '/run/patienced.log');
});

function sink(): Writable & { text: () => string } {
  let text = '';
  const w = new Writable({ write: (c: Buffer, _e, done) => ((text += c.toString()), done()) });
  return Object.assign(w, { text: () => text });
}

/** A spawn that returns a fake child, which then does what `script` says. */
function fakeSpawn(script: (child: EventEmitter) => void): {
  spawn: typeof spawn;
  calls: Array<{ file: string; args: string[]; options: Record<string, unknown> }>;
} {
  const calls: Array<{ file: string; args: string[]; options: Record<string, unknown> }> = [];
  const fn = (file: string, args: string[], options: Record<string, unknown>): ChildProcess => {
    calls.push({ file, args, options });
    const child = Object.assign(new EventEmitter(), {
      pid: 321,
      connected: true,
      disconnect() {},
      unref() {},
      kill: () => true,
    });
    setImmediate(() => script(child));
    return child as unknown as ChildProcess;
  };
  return { spawn: fn as unknown as typeof spawn, calls };
}

const config = {
  ...(Object.fromEntries(Object.entries(KEYS).map(([f, s]) => [f, s.default])) as unknown as DaemonConfig),
  pidFile: '/run/x/d.pid',
};
const self = {
  execPath: '/usr/bin/node',
  execArgv: ['--inspect=9229', '--import', 'tsx'],
  script: '/app/patienced.cjs',
  cwd: '/work',
  env: { A: '1' },
};

test('-daemon: the parent prints the PID once the child is listening', async () => {
  const stdout = sink();
  const stderr = sink();
  const ready: ChildReport = {
    type: 'ready',
    info: { pid: 321, socket: '/s', http: '127.0.0.1:9', logFile: '/run/x/d.log' },
  };
  const { spawn, calls } = fakeSpawn((c) => c.emit('message', ready));
  assert.equal(await startDetached(['-port', '9', '-daemon'], config, { self, stdout, stderr, spawn }), 0);
  assert.match(
    stdout.text(),
    /^patienced started \(pid 321\)\n {2}socket {2}\/s\n {2}http {4}127\.0\.0\.1:9\n {2}log {5}\/run\/x\/d\.log\n$/,
  );
  const call = calls[0];
  assert.equal(call?.file, '/usr/bin/node');
  assert.deepEqual(call?.args, ['--import', 'tsx', '/app/patienced.cjs', '-port', '9', '-log-file', '/run/x/d.log']);
  assert.equal(call?.options.detached, true);
  assert.deepEqual(call?.options.stdio, ['ignore', 'ignore', 'ignore', 'ipc']);
  assert.equal((call?.options.env as Record<string, string>)[DETACHED_ENV], '1');
});

test("-daemon: the child's failure is the parent's, with its message and exit code", async () => {
  const stderr = sink();
  const { spawn } = fakeSpawn((c) =>
    c.emit('message', { type: 'failed', message: 'already running as pid 7', exitCode: 1 }),
  );
  assert.equal(await startDetached([], config, { self, stdout: sink(), stderr, spawn }), 1);
  assert.equal(stderr.text(), 'patienced: already running as pid 7\n');

  const crashed = sink();
  const gone = fakeSpawn((c) => c.emit('exit', 9, null));
  assert.equal(await startDetached([], config, { self, stdout: sink(), stderr: crashed, spawn: gone.spawn }), 1);
  assert.match(crashed.text(), /exited \(code 9\) before it was listening; see \/run\/x\/d\.log/);
});

test('-daemon: a child that never gets ready is killed for real, and the parent says how', async () => {
  const signals: string[] = [];
  const make = (obeys: 'SIGTERM' | 'SIGKILL' | 'none') =>
    fakeSpawn((c) => {
      Object.assign(c, {
        kill: (sig: string) => {
          signals.push(sig);
          if (sig === obeys) setImmediate(() => c.emit('exit', null, sig));
          return true;
        },
      });
    });
  const cases: Array<['SIGTERM' | 'SIGKILL' | 'none', RegExp, string[]]> = [
    ['SIGTERM', /did not start within 0\.05s and was stopped; see/, ['SIGTERM']],
    ['SIGKILL', /did not start within 0\.05s and was killed \(it ignored SIGTERM\)/, ['SIGTERM', 'SIGKILL']],
    ['none', /could not be stopped: it is still running after SIGKILL; 'kill -9 321'/, ['SIGTERM', 'SIGKILL']],
  ];
  for (const [obeys, said, sent] of cases) {
    signals.length = 0;
    const stderr = sink();
    const { spawn } = make(obeys);
    assert.equal(
      await startDetached([], config, { self, stdout: sink(), stderr, spawn, timeoutMs: 50, killWaitMs: 50 }),
      1,
    );
    assert.match(stderr.text(), said, obeys);
    assert.deepEqual(signals, sent, obeys);
  }
});
