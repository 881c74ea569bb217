// patienced started by hand: at a terminal it says where the dashboard is and what to try;
// on a pipe it writes JSON log lines only. In both, the daemon's own start-up line is the
// only one: fastify's "Server listening at …" is gone. The terminal is a real
// pseudo-terminal made by util-linux's script(1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { DAEMON_BIN, spawnTestDaemon, tempDir } from '../helpers/daemon.ts';
import { servicePaths } from '../helpers/service.ts';

const TRY = 'patience exponential -a 3 -- curl -fsS https://example.com';

test('on a pipe: JSON lines only, one start-up line, no banner and no fastify listen line', async (t) => {
  const d = await spawnTestDaemon();
  t.after(() => fs.rmSync(d.dir, { recursive: true, force: true }));
  assert.equal(await d.stop(), 0);
  const lines = d
    .logs()
    .split('\n')
    .filter((l) => l !== '');
  const parsed = lines.map((l) => JSON.parse(l) as { msg: string; http?: string });
  assert.deepEqual(
    parsed.filter((l) => /listening/i.test(l.msg)).map((l) => l.msg),
    ['patienced listening'],
    'the daemon says it listens, once',
  );
  assert.doesNotMatch(d.logs(), /Server listening at|patienced is running|Dashboard:/);
});

/** The shell's single quotes around a word. */
const quote = (w: string): string => `'${w.replaceAll("'", `'\\''`)}'`;

// The time limit fails a banner that never comes, rather than hanging the suite.
test(
  'at a terminal: readable lines, the dashboard at the bound port, a command to try; Ctrl-C stops it',
  {
    timeout: 30_000,
  },
  async (t) => {
    const p = servicePaths(tempDir());
    t.after(() => fs.rmSync(p.dir, { recursive: true, force: true }));
    const command = ['exec', quote(process.execPath), quote(DAEMON_BIN), ...p.args.map(quote)].join(' ');
    // -e: script exits with the daemon's code; -f: output as it comes; the typescript to /dev/null.
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', HOME: p.dir, SHELL: '/bin/sh', TERM: 'dumb' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    t.after(() => child.kill('SIGKILL'));
    let out = '';
    const seen = new Map<RegExp, () => void>();
    const when = (re: RegExp): Promise<void> =>
      new Promise((resolve) => (re.test(out) ? resolve() : seen.set(re, resolve)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString().replaceAll('\r\n', '\n');
      for (const [re, resolve] of seen) if (re.test(out)) resolve();
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const closed = new Promise<number | null>((resolve, reject) => {
      child.once('error', (e: NodeJS.ErrnoException) =>
        reject(e.code === 'ENOENT' ? new Error('script(1) is missing: apt-get install -y bsdutils') : e),
      );
      child.once('close', (code) => resolve(code));
    });
    await Promise.race([
      when(/Ctrl-C stops patienced\)\n/),
      closed.then((code) => assert.fail(`script ended (${code}) before the banner:\n${out}`)),
    ]);

    const http = /INFO +patienced listening .*http=(\S+)/.exec(out)?.[1];
    assert.ok(http !== undefined && http !== '127.0.0.1:8080', `a readable start-up line with the bound port:\n${out}`);
    assert.ok(out.includes(`\n  Dashboard:  http://${http}/\n`), out);
    assert.ok(out.includes(`\n  Try:        RETRY_SOCKET_PATH=${p.socketPath} ${TRY}\n`), out);
    assert.doesNotMatch(out, /Server listening at/);
    assert.doesNotMatch(out, /^\{"level"/m, 'no JSON at a terminal');
    const page = await fetch(`http://${http}/`);
    assert.equal(page.status, 200, 'the dashboard is where the banner says');
    await page.text();

    // Ctrl-C, through the terminal's line discipline, as a person would stop it.
    child.stdin.write('\x03');
    assert.equal(await closed, 0, out);
    assert.match(out, /INFO +stopped/);
    assert.equal(fs.existsSync(p.pidFile), false, 'a clean stop');
  },
);
