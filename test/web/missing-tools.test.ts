// On a machine without a tool the tests drive, they fail at once and say what to install.
// Chromium above all: the browser tests used to start a daemon and Chromium together, and
// when Chromium failed, nothing stopped the daemon, so `npm test` waited on it for good.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/daemon.ts';
import { run } from '../helpers/service.ts';

const BROWSER_TESTS = ['test/web/dashboard.test.ts', 'test/web/chart.test.ts', 'test/web/screenshot.test.ts'];
/**
 * Failing takes a few seconds of CPU (three runners start, load tsx and playwright-core,
 * and stop): about 8 s alone, 20 to 30 s on a machine loaded by other test runs. Reaching
 * this means the run hangs, as it did for good before.
 */
const HANG_MS = 90_000;

/** PIDs of processes whose command line mentions `needle` (the daemons name their socket in it). */
function processesMentioning(needle: string): number[] {
  const found: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(needle)) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

test(
  'without Chromium, every browser test fails fast, says what to install, and leaks no daemon',
  { timeout: HANG_MS + 30_000 },
  async () => {
    // The child's temp dirs (its daemons' sockets among them) go here, to be found by path.
    const tmp = tempDir('patience-no-chromium-');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATIENCE_CHROMIUM: path.join(tmp, 'no-chromium-here'),
      TMPDIR: tmp,
    };
    // Inherited, it would make the nested runner talk to this one's protocol instead of TAP.
    delete env.NODE_TEST_CONTEXT;
    // Its own process group, so that a hung run and all it started can be killed at once.
    const child = spawn(process.execPath, ['scripts/test.mjs', ...BROWSER_TESTS], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const code = await new Promise<number | null | 'hung'>((resolve) => {
        const timer = setTimeout(() => resolve('hung'), HANG_MS);
        child.on('close', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      const leaked = processesMentioning(tmp);
      assert.deepEqual(leaked, [], `processes left running that mention ${tmp}:\n${out}`);
      assert.notEqual(code, 'hung', `the run had not ended after ${HANG_MS} ms:\n${out}`);
      assert.notEqual(code, 0, out);
      assert.match(out, /apt-get install -y chromium/, 'the output says what to install');
      for (const file of BROWSER_TESTS) assert.ok(out.includes(path.basename(file)), `${file} reports its failure`);
    } finally {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined)
        process.kill(-child.pid, 'SIGKILL');
      for (const pid of processesMentioning(tmp)) process.kill(pid, 'SIGKILL');
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
);

test('a missing tool fails its test at once, naming the package to install', async () => {
  // In a child, so that nothing of this process's own hides a timer left running.
  const script = [
    "const { run } = await import('./test/helpers/service.ts');",
    "const err = await run('/nonexistent/systemd-analyze', []).then(() => undefined, (e) => e);",
    'console.log(JSON.stringify({ message: err?.message, pending: process.getActiveResourcesInfo() }));',
  ].join('\n');
  const r = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: process.cwd(),
  });
  assert.equal(r.code, 0, r.stderr);
  const { message, pending } = JSON.parse(r.stdout) as { message: string; pending: string[] };
  assert.match(message, /^\/nonexistent\/systemd-analyze is not installed.*`apt-get install -y systemd`/);
  // The 30 s guard against a hung program is gone with the program that never started.
  assert.ok(!pending.includes('Timeout'), `still pending: ${pending.join(', ')}`);
});

test('the whole suite checks its tools first: a missing one stops it within seconds, named with its package', () => {
  const env: NodeJS.ProcessEnv = { ...process.env, PATIENCE_CHROMIUM: '/nonexistent/chromium' };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['scripts/test.mjs'], { env, encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.error, undefined, 'the preflight did not finish within 30 s');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /missing:\n {2}- \/nonexistent\/chromium \(apt-get install -y chromium/);
  assert.match(r.stderr, /npm run test:unit/);
  assert.equal(r.stdout, '', 'no test ran');
});
