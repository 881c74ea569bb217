import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from './config/index.ts';
import { runForeground } from './foreground.ts';

test('configuration warnings reach the log at start-up', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patience-fg-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const logFile = path.join(dir, 'd.log');
  const loaded = loadConfig({
    argv: [
      '-socket',
      path.join(dir, 'd.sock'),
      '-pid-file',
      path.join(dir, 'd.pid'),
      '-port',
      '0',
      '-log-file',
      logFile,
    ],
    env: {},
    defaultConfigPath: path.join(dir, 'none.json'),
  });
  assert.equal(loaded.kind, 'config');
  if (loaded.kind !== 'config') return;
  let stop: (signal: string) => void = () => undefined;
  const exit = runForeground(loaded.config, loaded.sources, {
    pid: process.pid,
    stderr: new PassThrough(),
    onShutdownSignal: (h) => (stop = h),
    forceExit: () => undefined,
    configWarnings: [
      'some_timeout 90 from config file x: 90 is 90ns (an integer is nanoseconds, as Go writes it); if you meant 90 seconds write "1m30s"',
    ],
  });
  const deadline = Date.now() + 15_000;
  while (!(fs.existsSync(logFile) && fs.readFileSync(logFile, 'utf8').includes('patienced listening'))) {
    assert.ok(Date.now() < deadline, 'the daemon did not start');
    await new Promise((r) => setTimeout(r, 20));
  }
  stop('SIGTERM');
  assert.equal(await exit, 0);
  const warning = fs
    .readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"level":40'))
    .map((l) => (JSON.parse(l) as { msg: string }).msg);
  assert.deepEqual(warning, [
    'configuration: some_timeout 90 from config file x: 90 is 90ns (an integer is nanoseconds, as Go writes it); if you meant 90 seconds write "1m30s"',
  ]);
});
