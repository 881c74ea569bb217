// Signals: SIGTERM mid-flood loses no acknowledged record, a second signal forces the exit,
// SIGHUP reopens the log file; and the socket is never wider than socket_mode.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { getJson, spawnTestDaemon, tempDir } from '../helpers/daemon.ts';
import { runRecord, send, streamer } from '../helpers/socket.ts';
import { killLeftovers, patienced, readIfExists, servicePaths, startedPid, waitFor } from '../helpers/service.ts';

after(killLeftovers);

test('SIGTERM during an ingest flood: every acknowledged record is there after a restart', async (t) => {
  const dir = tempDir();
  const args = ['-data-file', path.join(dir, 'metrics.db'), '-max-metrics', '1000000'];
  const first = await spawnTestDaemon({ dir, args });
  t.after(() => void first.child.kill('SIGKILL'));
  const acked = new Set<string>();
  const streams = Array.from({ length: 8 }, (_, i) => streamer(first.socketPath, `c${i}`, acked));
  await waitFor('2000 acknowledged records', () => acked.size >= 2000);
  const exited = first.stop('SIGTERM');
  // The clients keep sending while the daemon shuts down, then finish their documents.
  await waitFor('the shutdown to begin', () => first.logs().includes('shutting down'));
  for (const s of streams) s.end();
  assert.equal(await exited, 0, first.logs());
  await Promise.all(streams.map((s) => s.closed));
  assert.equal(fs.existsSync(first.socketPath), false);
  assert.equal(fs.existsSync(first.pidFile), false);

  const second = await spawnTestDaemon({ dir, args });

  t.after(() => void second.child.kill('SIGKILL'));
  const exported = await (await fetch(`${second.url}/api/metrics/export?format=ndjson`)).text();
  const present = new Set(
    exported
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { metrics: { command: string } }).metrics.command),
  );
  const missing = [...acked].filter((c) => !present.has(c));
  assert.deepEqual(missing, [], `${missing.length} of ${acked.size} acknowledged records lost`);
  assert.equal(await second.stop(), 0, second.logs());
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a second signal forces the exit, and still removes the pid file and socket', async (t) => {
  const d = await spawnTestDaemon();
  t.after(() => void d.child.kill('SIGKILL'));
  // An open connection with half a document keeps the drain waiting.
  const sock = net.connect(d.socketPath);
  sock.on('error', () => undefined);
  await new Promise((r) => sock.once('connect', r));
  sock.write('{"command":"half');
  await waitFor(
    'the connection to be served',
    async () =>
      ((await getJson(`${d.url}/api/daemon/stats`)).body as { connections_active: number }).connections_active > 0,
  );
  d.child.kill('SIGTERM');
  await waitFor('the shutdown to begin', () => d.logs().includes('shutting down'));
  assert.equal(await d.stop('SIGINT'), 1, d.logs());
  assert.match(d.logs(), /second signal: exiting at once/);
  assert.equal(fs.existsSync(d.socketPath), false);
  assert.equal(fs.existsSync(d.pidFile), false);
  sock.destroy();
  fs.rmSync(d.dir, { recursive: true, force: true });
});

test('SIGHUP reopens the log file, so that logrotate can move it away', async () => {
  const p = servicePaths(tempDir());
  const logFile = path.join(p.dir, 'patienced.log');
  const started = await patienced([...p.args, '-log-file', logFile, '-log-level', 'debug', '-daemon']);
  assert.equal(started.code, 0, started.stderr);
  const pid = startedPid(started.stdout);
  await send(p.socketPath, [runRecord({ command: 'before-rotation' })]);
  fs.renameSync(logFile, `${logFile}.1`);
  process.kill(pid, 'SIGHUP');
  await waitFor('a new log file', () => readIfExists(logFile).includes('log file reopened'));
  await send(p.socketPath, [runRecord({ command: 'after-rotation' })]);
  await waitFor('the record in the new file', () => readIfExists(logFile).includes('record stored'));
  const rotated = fs.readFileSync(`${logFile}.1`, 'utf8');
  assert.match(rotated, /patienced listening/);
  assert.doesNotMatch(rotated, /log file reopened/, 'nothing written to the moved file after SIGHUP');
  assert.equal(rotated.match(/record stored/g)?.length, 1);
  assert.equal((await patienced([...p.args, '-stop'])).code, 0);
  assert.match(fs.readFileSync(logFile, 'utf8'), /"msg":"stopped"/);
  fs.rmSync(p.dir, { recursive: true, force: true });
});

test('SIGHUP without a log file (and no terminal) is logged and ignored', async (t) => {
  const d = await spawnTestDaemon();
  t.after(() => void d.child.kill('SIGKILL'));
  d.child.kill('SIGHUP');
  await waitFor('the SIGHUP to be seen', () => d.logs().includes('no log_file to reopen'));
  assert.deepEqual(await send(d.socketPath, [runRecord()]), [{ status: 'ok' }]);
  assert.equal(await d.stop(), 0, d.logs());
  fs.rmSync(d.dir, { recursive: true, force: true });
});

// The guarantee rests on src/ingest/server.ts setting the umask around listen(): bind(2)
// creates the file with 0777 & ~umask, and Node binds a pipe synchronously inside listen(),
// so restoring the umask right after listen() returns is safe. This checks that premise.
test('listen() on a path binds before it returns, with the umask in force', () => {
  const dir = tempDir();
  const file = path.join(dir, 'premise.sock');
  const server = net.createServer();
  const previous = process.umask(0o177);
  try {
    server.listen(file);
  } finally {
    process.umask(previous);
  }
  assert.equal(fs.lstatSync(file).mode & 0o777, 0o600);
  server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// And the daemon's socket is born with socket_mode: test/fixtures/observe-listen.cjs, preloaded
// into it, reads the file's mode the moment listen() has bound it and before the daemon runs
// another line, so a socket bound wide and narrowed by a chmod afterwards shows its wide mode
// here, however short that window is.
test('the socket is never wider than socket_mode, not even while it is created', async (t) => {
  const dir = tempDir();
  const observed = path.join(dir, 'listen.log');
  const d = await spawnTestDaemon({
    dir,
    args: ['-socket-mode', '0600'],
    env: {
      NODE_OPTIONS: `--require ${path.resolve('test/fixtures/observe-listen.cjs')}`,
      PATIENCE_TEST_LISTEN_LOG: observed,
    },
  });
  t.after(() => void d.child.kill('SIGKILL'));
  assert.deepEqual(fs.readFileSync(observed, 'utf8'), `${d.socketPath} 600\n`);
  assert.equal(fs.statSync(d.socketPath).mode & 0o777, 0o600);
  assert.equal(await d.stop(), 0, d.logs());
  fs.rmSync(dir, { recursive: true, force: true });
});
