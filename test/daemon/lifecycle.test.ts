// The daemon as a process: configuration precedence seen through the API, bad values,
// help and version, and the orderly shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { DAEMON_BIN, getJson, spawnTestDaemon, tempDir } from '../helpers/daemon.ts';
import { runRecord, send } from '../helpers/socket.ts';
import { waitFor } from '../helpers/service.ts';

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [DAEMON_BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 15_000,
  });
}

test('-h prints the usage block, -version the version', () => {
  const help = run(['-h']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: patienced \[options\]/);
  for (const line of ['  -max-age duration', '    \tMaximum age of metrics (default 24h0m0s)', '  -socket string']) {
    assert.ok(help.stdout.includes(line.replace('    \t', '        ')), line);
  }
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
  const v = run(['-version']);
  assert.equal(v.status, 0);
  assert.equal(v.stdout, `patienced version ${pkg.version}\n`);
});

test('an invalid value exits 2 naming key, value and source', () => {
  const dir = tempDir();
  const file = path.join(dir, 'daemon.json');
  fs.writeFileSync(file, JSON.stringify({ max_metrics: -5 }));
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
    [['-port', '80x'], {}, /http_port.*80x.*-port|port.*80x/],
    [[], { RETRY_METRICS_MAX_AGE: '1d' }, /metrics_max_age.*1d.*RETRY_METRICS_MAX_AGE/],
    [['-config', file], {}, new RegExp(`max_metrics.*-5.*${file.replace(/[.]/g, '\\.')}`)],
    [['-enable-http=maybe'], {}, /enable_http.*maybe/],
    [['-no-such-flag'], {}, /no-such-flag/],
  ];
  for (const [args, env, re] of cases) {
    const r = run([...args, '-socket', path.join(dir, 's.sock')], env);
    assert.equal(r.status, 2, `${args.join(' ')} ${JSON.stringify(env)}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(fs.existsSync(path.join(dir, 's.sock')), false, 'nothing started');
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('precedence: defaults < config file < RETRY_* env < flags', async () => {
  const dir = tempDir();
  fs.writeFileSync(
    path.join(dir, 'daemon.json'),
    JSON.stringify({ max_metrics: 111, metrics_max_age: '2h', max_connections: 7 }),
  );
  const d = await spawnTestDaemon({
    dir,
    args: ['-max-metrics', '333'],
    env: { RETRY_MAX_METRICS: '222', RETRY_METRICS_MAX_AGE: '90m' },
  });
  const s = (await getJson(`${d.url}/api/daemon/stats`)).body as { max_size: number; max_age: string };
  assert.equal(s.max_size, 333, 'flag beats env and file');
  assert.equal(s.max_age, '1h30m0s', 'env beats file');
  assert.equal(await d.stop(), 0, d.logs());
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the socket gets socket_mode and HTTP listens on loopback by default', async () => {
  const d = await spawnTestDaemon({ args: ['-socket-mode', '0600'] });
  assert.equal(fs.statSync(d.socketPath).mode & 0o777, 0o600);
  assert.match(d.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(await d.stop(), 0, d.logs());
  fs.rmSync(d.dir, { recursive: true, force: true });
});

test('-enable-http=false serves the socket only', async () => {
  const d = await spawnTestDaemon({ args: ['-enable-http=false'] });
  assert.equal(d.url, 'http://disabled');
  assert.match(d.logs(), /"http":"disabled"/);
  assert.deepEqual(await send(d.socketPath, [runRecord()]), [{ status: 'ok' }]);
  assert.equal(await d.stop(), 0, d.logs());
  fs.rmSync(d.dir, { recursive: true, force: true });
});

test('SIGTERM: finishes an open connection, removes the socket, exits 0', async () => {
  const d = await spawnTestDaemon();
  const sock = net.connect(d.socketPath);
  await new Promise((r) => sock.once('connect', r));
  const reply = new Promise<string>((resolve) => {
    let data = '';
    sock.on('data', (c: Buffer) => (data += c.toString()));
    sock.on('close', () => resolve(data));
  });
  // Half a document: the rest comes only once the shutdown has begun.
  const doc = JSON.stringify(runRecord({ command: 'in-flight' }));
  sock.write(doc.slice(0, 20));
  // Wait until the daemon has accepted it: a connection still in the kernel's backlog
  // when the listener closes is reset, and that is not what this test is about.
  await waitFor(
    'the connection to be served',
    async () =>
      ((await getJson(`${d.url}/api/daemon/stats`)).body as { connections_active: number }).connections_active >= 1,
  );
  const exited = d.stop('SIGTERM');
  await waitFor('the shutdown to begin', () => /shutting down/.test(d.logs()));
  sock.end(`${doc.slice(20)}\n`);
  assert.equal((await reply).trim(), '{"status":"ok"}');
  assert.equal(await exited, 0);
  assert.equal(fs.existsSync(d.socketPath), false);
  assert.match(d.logs(), /shutting down/);
  fs.rmSync(d.dir, { recursive: true, force: true });
});

test('a stale socket file is replaced; a live one is refused', async () => {
  const dir = tempDir();
  const stale = path.join(dir, 'd.sock');
  // A socket file whose owner died without cleaning up.
  const child = spawnSync(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`,
  ]);
  assert.equal(child.signal, 'SIGKILL');
  assert.ok(fs.existsSync(stale));
  const d = await spawnTestDaemon({ dir });
  assert.deepEqual(await send(d.socketPath, [runRecord()]), [{ status: 'ok' }]);
  const second = run([
    '-socket',
    d.socketPath,
    '-port',
    '0',
    '-pid-file',
    path.join(dir, 'other.pid'),
    '-config',
    path.join(dir, 'daemon.json'),
  ]);
  assert.equal(second.status, 1);
  assert.match(second.stderr, /another process is listening/);
  assert.deepEqual(await send(d.socketPath, [runRecord()]), [{ status: 'ok' }], 'the first daemon is untouched');
  assert.equal(await d.stop(), 0, d.logs());
  fs.rmSync(dir, { recursive: true, force: true });
});
