import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { autoStartArgs, daemonBundle, autoStartDaemon, type AutoStartOptions } from './auto-start.ts';

/** A child that exits with `code` (after writing `stderr`), or never when code is undefined. */
function fakeSpawn(code: number | undefined, stderr = '') {
  const calls: Array<{ file: string; args: readonly string[]; env: NodeJS.ProcessEnv }> = [];
  let killed: string | undefined;
  const spawn: AutoStartOptions['spawn'] = (file, args, o) => {
    calls.push({ file, args, env: o.env });
    const child = new EventEmitter() as ChildProcess;
    const err = new PassThrough();
    Object.assign(child, { stderr: err, kill: (sig: string) => ((killed = sig), true) });
    if (code !== undefined) {
      setImmediate(() => {
        err.end(stderr);
        child.emit('close', code, null);
      });
    }
    return child;
  };
  return { spawn, calls, killed: () => killed };
}

const base = {
  socketPath: '/run/p.sock',
  bundle: '/opt/patience/dist/patienced.cjs',
  execPath: '/usr/bin/node',
  env: { RETRY_HTTP_PORT: '0', UNSET: undefined },
  exists: () => true,
};

test('the bundle beside patience, run by node with -daemon, the socket and PATH.pid; no shell', async () => {
  assert.equal(daemonBundle('/opt/patience/dist/patience.cjs'), '/opt/patience/dist/patienced.cjs');
  assert.deepEqual(autoStartArgs('/b/patienced.cjs', '/run/p.sock'), [
    '/b/patienced.cjs',
    '-daemon',
    '-socket',
    '/run/p.sock',
    '-pid-file',
    '/run/p.sock.pid',
  ]);
  const f = fakeSpawn(0);
  assert.equal(await autoStartDaemon({ ...base, spawn: f.spawn }), undefined);
  assert.deepEqual(
    f.calls.map((c) => [c.file, c.args]),
    [
      [
        '/usr/bin/node',
        ['/opt/patience/dist/patienced.cjs', '-daemon', '-socket', '/run/p.sock', '-pid-file', '/run/p.sock.pid'],
      ],
    ],
  );
  assert.deepEqual(f.calls[0]?.env, { RETRY_HTTP_PORT: '0' });
});

test('a start that fails says why: no bundle, an exit with its first stderr line, no ready in time', async () => {
  assert.match(
    (await autoStartDaemon({ ...base, exists: () => false })) ?? '',
    /^patienced is not installed beside patience \(looked for \/opt\/patience\/dist\/patienced\.cjs\)$/,
  );
  const failed = fakeSpawn(1, 'patienced: a patienced (pid 42) already runs with /run/p.sock.pid\nmore\n');
  assert.equal(
    await autoStartDaemon({ ...base, spawn: failed.spawn }),
    'patienced -daemon exited with code 1: patienced: a patienced (pid 42) already runs with /run/p.sock.pid',
  );
  const hung = fakeSpawn(undefined);
  assert.equal(
    await autoStartDaemon({ ...base, spawn: hung.spawn, limitMs: 20 }),
    'patienced -daemon did not report ready within 0.02s',
  );
  assert.equal(hung.killed(), 'SIGTERM');
});
