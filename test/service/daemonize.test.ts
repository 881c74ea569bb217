// -daemon, -status and -stop against real processes.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { getJson, tempDir } from '../helpers/daemon.ts';
import { runRecord, send } from '../helpers/socket.ts';
import {
  isRunning,
  killLeftovers,
  patienced,
  readIfExists,
  servicePaths,
  startedPid,
  waitFor,
} from '../helpers/service.ts';

after(killLeftovers);

test('-daemon returns once the child listens and prints its PID; -status and -stop find it', async () => {
  const p = servicePaths(tempDir());
  const started = await patienced([...p.args, '-daemon'], { cwd: p.dir });
  assert.equal(started.code, 0, started.stderr);
  const pid = startedPid(started.stdout);
  assert.notEqual(pid, undefined);
  assert.ok(isRunning(pid));
  assert.match(fs.readFileSync(p.pidFile, 'utf8'), new RegExp(`^${pid}\n[0-9a-f]{32}\n$`), 'PID and instance token');
  // log_file unset: the child logs beside the pid file.
  const logFile = path.join(p.dir, 'd.log');
  assert.match(started.stdout, new RegExp(`log +${logFile.replace(/[.]/g, '\\.')}`));
  assert.match(readIfExists(logFile), /patienced listening/);

  // The child serves: the socket stores, HTTP answers.
  assert.deepEqual(await send(p.socketPath, [runRecord(), runRecord({ command: 'two' })]), [
    { status: 'ok' },
    { status: 'ok' },
  ]);
  const http = /http +(\S+)/.exec(started.stdout)?.[1] ?? '';
  const stats = (await getJson(`http://${http}/api/daemon/stats`)).body as { total_metrics: number; pid: number };
  assert.equal(stats.total_metrics, 2);
  assert.equal(stats.pid, pid);

  const status = await patienced([...p.args, '-status']);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, new RegExp(`^patienced is running \\(pid ${pid}\\)`));
  assert.match(status.stdout, new RegExp(`socket +${p.socketPath.replace(/[.]/g, '\\.')}`));
  assert.match(status.stdout, new RegExp(`http +http://${http.replace(/[.]/g, '\\.')}`));
  assert.match(status.stdout, /records +2 /);
  assert.match(status.stdout, /uptime +\d+/);
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
  assert.match(status.stdout, new RegExp(`version +${pkg.version.replace(/[.]/g, '\\.')}`));

  const stop = await patienced([...p.args, '-stop']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stdout, new RegExp(`patienced stopped \\(pid ${pid}\\)`));
  assert.equal(isRunning(pid), false, '-stop returns once the process is gone');
  assert.equal(fs.existsSync(p.pidFile), false);
  assert.equal(fs.existsSync(p.socketPath), false);
  assert.match(readIfExists(logFile), /"msg":"stopped"/);

  const after = await patienced([...p.args, '-status']);
  assert.equal(after.code, 3, 'LSB: 3 = not running');
  assert.match(after.stdout, /patienced is not running/);
  const again = await patienced([...p.args, '-stop']);
  assert.equal(again.code, 0, 'stopping a stopped daemon succeeds (LSB)');
  assert.match(again.stdout, /not running/);
  fs.rmSync(p.dir, { recursive: true, force: true });
});

test("-daemon fails with the child's own error when it cannot start", async () => {
  const p = servicePaths(tempDir());
  // Someone else's live socket at the path.
  const foreign = net.createServer((c) => c.on('error', () => undefined).end());
  await new Promise<void>((r) => foreign.listen(p.socketPath, r));
  const r = await patienced([...p.args, '-daemon']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /another process is listening on .*d\.sock/);
  assert.equal(r.stdout, '');
  assert.equal(fs.existsSync(p.pidFile), false, 'the pid file is not left behind');
  assert.ok(fs.existsSync(p.socketPath), 'the foreign socket is untouched');
  await new Promise<void>((r) => foreign.close(() => r()));

  // An HTTP port in use, found only by the child when it listens.
  const holder = net.createServer();
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
  const port = (holder.address() as net.AddressInfo).port;
  const busy = await patienced([...p.args, '-port', String(port), '-daemon']);
  assert.equal(busy.code, 1);
  assert.match(busy.stderr, new RegExp(`HTTP address 127\\.0\\.0\\.1:${port} is already in use`));
  assert.equal(fs.existsSync(p.socketPath), false);
  assert.equal(fs.existsSync(p.pidFile), false);
  await new Promise<void>((r) => holder.close(() => r()));

  // A bad value in the config file is caught before anything starts.
  fs.writeFileSync(p.config, '{"max_metrics": 0}');
  const bad = await patienced([...p.args, '-daemon']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /max_metrics/);
  fs.rmSync(p.dir, { recursive: true, force: true });
});

test('-status asks over the socket with HTTP off, and over HTTP when the socket is out of reach', async () => {
  const p = servicePaths(tempDir());
  const started = await patienced([...p.args, '-enable-http=false', '-daemon']);
  assert.equal(started.code, 0, started.stderr);
  const pid = startedPid(started.stdout);
  const status = await patienced([...p.args, '-status']);
  assert.equal(status.code, 0);
  assert.match(status.stdout, new RegExp(`running \\(pid ${pid}\\)`));
  assert.match(status.stdout, /http +disabled/);
  assert.equal((await patienced([...p.args, '-stop'])).code, 0);

  const withHttp = await patienced([...p.args, '-daemon']);
  const pid2 = startedPid(withHttp.stdout);
  const port = /http +127\.0\.0\.1:(\d+)/.exec(withHttp.stdout)?.[1] ?? '';
  // A -status that cannot reach the socket (here: another path) still finds it over HTTP.
  const other = [
    '-config',
    p.config,
    '-socket',
    path.join(p.dir, 'elsewhere.sock'),
    '-pid-file',
    p.pidFile,
    '-port',
    port,
  ];
  const viaHttp = await patienced([...other, '-status']);
  assert.equal(viaHttp.code, 0, viaHttp.stdout);
  assert.match(viaHttp.stdout, new RegExp(`running \\(pid ${pid2}\\)`));
  assert.match(viaHttp.stdout, new RegExp(`socket +${p.socketPath.replace(/[.]/g, '\\.')}`));
  // Without a pid file, -stop never signals a PID that only an answer names (anybody can
  // answer on a socket path while the daemon is down): it says so, and fails.
  fs.rmSync(p.pidFile);
  const stop = await patienced([...p.args, '-stop']);
  assert.equal(stop.code, 1, stop.stdout);
  assert.match(
    stop.stderr,
    new RegExp(`answers on .* \\(it says it is pid ${pid2}\\), but no pid file at .*nothing was signalled`),
  );
  assert.ok(isRunning(pid2));
  process.kill(pid2, 'SIGTERM');
  await waitFor('the daemon to exit', () => !isRunning(pid2));
  await waitFor('the socket to go', () => !fs.existsSync(p.socketPath));
  fs.rmSync(p.dir, { recursive: true, force: true });
});
