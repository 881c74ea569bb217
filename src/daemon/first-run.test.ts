import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { bannerStream, dashboardUrl, shellWord, startBanner, TRY_COMMAND } from './first-run.ts';
import { KEYS, loadConfig } from './config/index.ts';
import { runForeground } from './foreground.ts';
import { DEFAULT_SOCKET_PATH as CLI_DEFAULT_SOCKET } from '../cli/report.ts';

const tty = (): PassThrough & { isTTY: boolean } => Object.assign(new PassThrough(), { isTTY: true });

test('the banner goes to a terminal: stderr first, else stdout, else nowhere', () => {
  const [errTty, outTty, pipe] = [tty(), tty(), new PassThrough()];
  assert.equal(bannerStream(errTty, outTty), errTty);
  assert.equal(bannerStream(pipe, outTty), outTty);
  assert.equal(bannerStream(pipe, new PassThrough()), undefined);
  assert.equal(bannerStream(pipe, undefined), undefined);
});

test('with the defaults: the dashboard address and a command that reports without configuration', () => {
  assert.equal(
    startBanner({ httpAddress: '127.0.0.1:8080', socketPath: '/tmp/retry-daemon.sock', logFile: undefined }),
    [
      '',
      'patienced is running.',
      '  Dashboard:  http://127.0.0.1:8080/',
      '  Try:        patience exponential -a 3 -- curl -fsS https://example.com',
      '              (patience reports each run to /tmp/retry-daemon.sock; Ctrl-C stops patienced)',
      '',
      '',
    ].join('\n'),
  );
  // The command works as written only while both programs default to the same socket.
  assert.equal(KEYS.socketPath.default, CLI_DEFAULT_SOCKET);
});

test('another socket is named in the command, quoted for the shell; the log file is named', () => {
  const text = startBanner({ httpAddress: '[::1]:9090', socketPath: "/srv/it's here.sock", logFile: '/var/log/d.log' });
  assert.match(text, /^ {2}Dashboard: {2}http:\/\/\[::1\]:9090\/$/m);
  assert.ok(text.includes(`  Try:        RETRY_SOCKET_PATH='/srv/it'\\''s here.sock' ${TRY_COMMAND}\n`), text);
  assert.match(text, /^ {2}Logs: {7}\/var\/log\/d\.log$/m);
  assert.ok(
    startBanner({ httpAddress: '', socketPath: '/run/d.sock', logFile: undefined }).includes(
      '  Dashboard:  off (enable_http is false)\n  Try:        RETRY_SOCKET_PATH=/run/d.sock patience',
    ),
  );
});

test('a wildcard bind is shown as the loopback address of its family', () => {
  assert.equal(dashboardUrl('0.0.0.0:8080'), 'http://127.0.0.1:8080/');
  assert.equal(dashboardUrl('[::]:8080'), 'http://[::1]:8080/');
  assert.equal(dashboardUrl('192.168.1.5:80'), 'http://192.168.1.5:80/');
  assert.equal(shellWord('/tmp/a-b_c.sock'), '/tmp/a-b_c.sock');
  assert.equal(shellWord('/tmp/$HOME'), "'/tmp/$HOME'");
});

test('runForeground writes the banner with the bound port to a terminal, and nothing to pipes', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patience-banner-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const stdoutIsTty of [true, false]) {
    const logFile = path.join(dir, `d-${stdoutIsTty}.log`);
    const loaded = loadConfig({
      argv: ['-socket', path.join(dir, 'd.sock'), '-pid-file', path.join(dir, 'd.pid'), '-port', '0'],
      env: { RETRY_LOG_FILE: logFile },
      defaultConfigPath: path.join(dir, 'none.json'),
    });
    assert.equal(loaded.kind, 'config');
    if (loaded.kind !== 'config') return;
    const stdout = stdoutIsTty ? tty() : new PassThrough();
    const stderr = new PassThrough();
    let said = '';
    for (const s of [stdout, stderr]) s.on('data', (d: Buffer) => (said += d.toString()));
    let stop: (signal: string) => void = () => undefined;
    let listening: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (listening = resolve));
    const exit = runForeground(loaded.config, loaded.sources, {
      pid: process.pid,
      stderr,
      stdout,
      onShutdownSignal: (h) => (stop = h),
      forceExit: () => undefined,
      // The readiness report comes right after the banner: no polling needed.
      readiness: { ready: () => listening(), failed: () => Promise.resolve() },
    });
    await ready;
    stop('SIGTERM');
    assert.equal(await exit, 0);
    const started = fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .map((l) => (l === '' ? {} : (JSON.parse(l) as { msg?: string; http?: string })))
      .find((l) => l.msg === 'patienced listening');
    if (stdoutIsTty) {
      assert.match(said, new RegExp(`^ {2}Dashboard: {2}http://${started?.http ?? 'missing'}/$`, 'm'));
      assert.ok(said.includes(`RETRY_SOCKET_PATH=${path.join(dir, 'd.sock')} ${TRY_COMMAND}`), said);
      assert.ok(said.includes(`  Logs:       ${logFile}`), said);
    } else {
      assert.equal(said, '', 'nothing on a pipe');
    }
  }
});
