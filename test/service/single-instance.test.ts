// One daemon per pid file and socket: a second start is refused, stale files are cleaned
// up, another process's live socket is never unlinked, and a busy port stops start-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { getJson, spawnTestDaemon, tempDir } from '../helpers/daemon.ts';
import { runRecord, send } from '../helpers/socket.ts';
import { isRunning, patienced, servicePaths, waitFor } from '../helpers/service.ts';

test('a second start is refused with the running PID', async (t) => {
  const d = await spawnTestDaemon();
  t.after(() => void d.child.kill('SIGKILL'));
  const p = servicePaths(d.dir);
  assert.equal(fs.readFileSync(d.pidFile, 'utf8').split('\n')[0], `${d.child.pid}`);
  const second = await patienced(p.args);
  assert.equal(second.code, 1);
  assert.match(second.stderr, new RegExp(`already running as pid ${d.child.pid}`));
  // Also with another socket: the pid file alone decides.
  const other = await patienced([...p.args, '-socket', `${d.dir}/other.sock`]);
  assert.equal(other.code, 1);
  assert.match(other.stderr, new RegExp(`pid ${d.child.pid}`));
  assert.equal(fs.existsSync(`${d.dir}/other.sock`), false);
  assert.equal(
    fs.readFileSync(d.pidFile, 'utf8').split('\n')[0],
    `${d.child.pid}`,
    'the running daemon keeps its pid file',
  );
  assert.deepEqual(await send(d.socketPath, [runRecord()]), [{ status: 'ok' }]);
  assert.equal(await d.stop(), 0, d.logs());
  assert.equal(fs.existsSync(d.pidFile), false, 'removed on exit');
  fs.rmSync(d.dir, { recursive: true, force: true });
});

/** A process that has exited but is not reaped: sh's child, after sh became `sleep`. */
async function zombie(): Promise<{ zombiePid: number; parent: ReturnType<typeof spawn> }> {
  const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const zombiePid = await new Promise<number>((resolve) =>
    parent.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
  );
  await waitFor('the zombie', () =>
    /^Z/.test(fs.readFileSync(`/proc/${zombiePid}/stat`, 'latin1').split(') ')[1] ?? ''),
  );
  return { zombiePid, parent };
}

test('stale pid files (dead, zombie, reused PID) and a stale socket are cleaned up', async (t) => {
  const dir = tempDir();
  const p = servicePaths(dir);
  // A socket file whose owner died without cleaning up.
  const crashed = spawnSync(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(p.socketPath)}, () => process.kill(process.pid, 'SIGKILL'))`,
  ]);
  assert.equal(crashed.signal, 'SIGKILL');
  assert.ok(fs.existsSync(p.socketPath));

  const dead = spawnSync('true').pid;
  const { zombiePid, parent } = await zombie();
  const reused = parent.pid ?? 0; // alive, but `sleep`, not patienced
  assert.ok(isRunning(reused));
  for (const [what, held] of [
    ['dead', String(dead)],
    ['zombie', String(zombiePid)],
    ['reused', String(reused)],
    ['garbage', 'not a pid'],
  ] as const) {
    fs.writeFileSync(p.pidFile, `${held}\n`);
    const d = await spawnTestDaemon({ dir });
    t.after(() => void d.child.kill('SIGKILL'));
    assert.equal(fs.readFileSync(p.pidFile, 'utf8').split('\n')[0], `${d.child.pid}`, what);
    assert.match(d.logs(), /replaced a stale pid file/, what);
    assert.deepEqual(await send(d.socketPath, [runRecord()]), [{ status: 'ok' }], what);
    assert.equal(await d.stop(), 0, d.logs());
  }
  assert.ok(isRunning(reused), 'the unrelated process is left alone');
  parent.kill('SIGKILL');

  // -status and -stop on a stale pid file: not running; -stop removes it.
  fs.writeFileSync(p.pidFile, `${dead}\n`);
  const status = await patienced([...p.args, '-status']);
  assert.equal(status.code, 3);
  assert.match(status.stdout, new RegExp(`stale pid file .*pid ${dead} is gone`));
  const stop = await patienced([...p.args, '-stop']);
  assert.equal(stop.code, 0);
  assert.match(stop.stdout, /removed the stale pid file/);
  assert.equal(fs.existsSync(p.pidFile), false);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("another process's live socket is never unlinked", async () => {
  const p = servicePaths(tempDir());
  const foreign = net.createServer((c) => c.on('error', () => undefined).end('foreign\n'));
  await new Promise<void>((r) => foreign.listen(p.socketPath, r));
  const r = await patienced(p.args);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`another process is listening on ${p.socketPath.replace(/[.]/g, '\\.')}`));
  assert.equal(fs.existsSync(p.pidFile), false, 'no pid file left behind');
  const answer = await new Promise<string>((resolve) => {
    const c = net.connect(p.socketPath);
    let s = '';
    c.on('data', (d: Buffer) => (s += d.toString()));
    c.on('close', () => resolve(s));
  });
  assert.equal(answer, 'foreign\n', 'the foreign socket still works');
  await new Promise<void>((res) => foreign.close(() => res()));
  fs.rmSync(p.dir, { recursive: true, force: true });
});

test('an HTTP port in use stops start-up with exit 1, naming host:port, and leaves nothing behind', async (t) => {
  const p = servicePaths(tempDir());
  const holder = net.createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  const port = (holder.address() as net.AddressInfo).port;
  const r = await patienced([...p.args, '-port', String(port)]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`HTTP address 127\\.0\\.0\\.1:${port} is already in use`));
  assert.equal(fs.existsSync(p.socketPath), false, 'socket removed');
  assert.equal(fs.existsSync(p.pidFile), false, 'pid file removed');
  await new Promise<void>((res) => holder.close(() => res()));
  // The same flags work once the port is free.
  const d = await spawnTestDaemon({ dir: p.dir, args: ['-port', String(port)] });
  t.after(() => void d.child.kill('SIGKILL'));
  assert.equal((await getJson(`${d.url}/api/health`)).status, 200);
  assert.equal(await d.stop(), 0, d.logs());
  fs.rmSync(p.dir, { recursive: true, force: true });
});
