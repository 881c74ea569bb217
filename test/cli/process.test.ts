// Running the command (docs/cli.md §5): process groups, timeouts, signals, the time budget,
// and output and input passed through unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, fixture, node, patience, procState, sandbox, STATUS_LINE, until } from './helpers.ts';

test('a timeout kills the whole process group, grandchild included', async (t) => {
  const sb = sandbox(t);
  const pidFile = join(sb.dir, 'grandchild.pid');
  const r = await patience(sb, ['fix', '-a', '1', '-t', '300ms', '--', fixture('grandchild.sh'), pidFile]);
  assert.equal(r.code, 124);
  assert.ok(r.ms < 4000, `took ${r.ms} ms`);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(pid > 0);
  // Dead means gone or a zombie (this sandbox's init reaps slowly); kill(pid, 0) alone would lie.
  assert.ok(await until(() => [undefined, 'Z'].includes(procState(pid))), `grandchild ${pid} is ${procState(pid)}`);
});

test('a child that ignores SIGTERM gets SIGKILL 5 s after the timeout', async (t) => {
  const sb = sandbox(t);
  const r = await patience(sb, ['fix', '-a', '1', '-t', '200ms', '--', fixture('ignore-term.sh')]);
  assert.equal(r.code, 124);
  assert.ok(r.ms >= 4500 && r.ms < 9000, `took ${r.ms} ms`);
});

test('SIGTERM to patience is forwarded to the child; patience stops retrying and exits 143', async (t) => {
  const sb = sandbox(t);
  const marker = join(sb.dir, 'marker');
  const r = await patience(sb, ['fix', '-a', '5', '-d', '10ms', '--', ...node('trap-term.mjs', marker)], {
    onStart: (child) => {
      void until(() => existsSync(marker) && readFileSync(marker, 'utf8') === 'ready', 5000).then(() =>
        child.kill('SIGTERM'),
      );
    },
  });
  assert.equal(r.code, 143);
  assert.equal(readFileSync(marker, 'utf8'), 'got SIGTERM');
  assert.equal(r.stderr.match(/starting/g)?.length, 1);
  assert.match(r.stderr, /Attempt 1\/5 failed \(interrupted\)\.[\s\S]*Final Reason: interrupted/);
});

test('SIGINT during a delay ends the run at once with 130', async (t) => {
  const sb = sandbox(t);
  const r = await patience(sb, ['fix', '-a', '3', '-d', '30s', '--', 'sh', '-c', 'exit 1'], {
    // Once the delay has begun (its line is out), not after a fixed sleep.
    onStart: (child) => {
      let seen = '';
      const watch = (d: Buffer): void => {
        seen += d.toString();
        if (!seen.includes('Retrying in')) return;
        child.stderr?.off('data', watch);
        child.kill('SIGINT');
      };
      child.stderr?.on('data', watch);
    },
  });
  assert.equal(r.code, 130);
  assert.ok(r.ms < 5000, `took ${r.ms} ms`);
  assert.match(r.stderr, /Final Reason: interrupted/);
});

test('--max-time: no delay or attempt beyond the budget, and a running attempt is cut at it', async (t) => {
  const sb = sandbox(t);
  // Attempts at 0 and about 300 ms; the next delay would overrun the budget. The second
  // attempt has about 200 ms to end on its own: with 150 ms delays the fourth began near
  // 450 ms and, on a loaded machine, was sometimes cut at the budget instead (exit 124).
  const r = await patience(sb, ['fix', '-a', '50', '-d', '300ms', '--max-time', '500ms', '--', 'sh', '-c', 'exit 3']);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /Final Reason: max time reached/);
  const attempts = r.stderr.match(/starting/g)?.length ?? 0;
  assert.ok(attempts >= 1 && attempts <= 4, `${attempts} attempts`);
  assert.ok(r.ms < 3000, `took ${r.ms} ms`);
  const cut = await patience(sb, ['fix', '-a', '3', '--max-time', '300ms', '--', 'sleep', '10']);
  assert.equal(cut.code, 124);
  assert.match(cut.stderr, /Attempt 1\/3 failed \(max time reached\)\.[\s\S]*Final Reason: max time reached/);
  assert.ok(cut.ms < 3000, `took ${cut.ms} ms`);
});

for (const [how, extra] of [
  ['handed on', []],
  ['piped for a pattern', ['--failure-pattern', 'never printed']],
] as const) {
  test(`stdout passes through byte for byte, binary included, free of patience lines (${how})`, async (t) => {
    const sb = sandbox(t);
    const expected = spawnSync(process.execPath, [fixture('bytes.mjs')], { maxBuffer: 64 << 20 }).stdout;
    assert.equal(expected.length, 256 + 3 * 1024 * 1024);
    const r = await patience(sb, ['fix', ...extra, '--', ...node('bytes.mjs')]);
    assert.equal(r.code, 0);
    assert.ok(r.stdout.equals(expected), `stdout differs (${r.stdout.length} bytes)`);
    assert.match(r.stderr, /^\[retry\] Attempt 1\/3 starting\.\.\.\nto stderr\n/);
    assert.doesNotMatch(r.stdout.subarray(-200).toString('latin1'), STATUS_LINE);
  });
}

// What the child's fd 1 and fd 2 are, as Linux names them: a file's path, or pipe:[inode]
// (socket:[inode] for Node's pipes, which are socket pairs), or the terminal's /dev/pts/N.
const SHOW_FDS = ['sh', '-c', 'readlink /proc/self/fd/1; readlink /proc/self/fd/2 >&2'];

test('an attempt nobody judges writes to patience’s own stdout and stderr, a file or a pipe', async (t) => {
  const sb = sandbox(t);
  const outFile = join(sb.dir, 'out.log');
  const errFile = join(sb.dir, 'err.log');
  const ran = (args: string[]): void => {
    const r = spawnSync('sh', ['-c', 'exec "$@" >"$OUT" 2>"$ERR"', 'sh', process.execPath, BIN, ...args], {
      env: { ...sb.env, OUT: outFile, ERR: errFile },
      cwd: sb.dir,
    });
    assert.equal(r.status, 0, readFileSync(errFile, 'utf8'));
  };
  ran(['fix', '-a', '1', '--', ...SHOW_FDS]);
  assert.equal(readFileSync(outFile, 'utf8'), `${outFile}\n`, 'the child writes to the file itself');
  assert.match(readFileSync(errFile, 'utf8'), new RegExp(`^${escape(errFile)}$`, 'm'));

  // A pattern reads the output, so it comes through patience: a pipe, and still the file's.
  ran(['fix', '-a', '1', '--success-pattern', 'pipe', '--', ...SHOW_FDS]);
  assert.match(readFileSync(outFile, 'utf8'), /^(pipe|socket):\[\d+\]\n$/);
  assert.match(readFileSync(errFile, 'utf8'), /^(pipe|socket):\[\d+\]$/m);
});

test('on a terminal the attempt’s output is piped, not handed to a child in its own session', async (t) => {
  const sb = sandbox(t);
  const command = [process.execPath, BIN, 'fix', '-a', '1', '--', ...SHOW_FDS].map(shellQuote).join(' ');
  // script(1) gives patience a pseudo-terminal for stdin, stdout and stderr.
  const r = spawnSync('script', ['-qfec', command, '/dev/null'], { env: sb.env, cwd: sb.dir, encoding: 'utf8' });
  if (r.error)
    throw (r.error as NodeJS.ErrnoException).code === 'ENOENT'
      ? new Error('script(1) is missing: apt-get install -y bsdutils')
      : r.error;
  assert.equal(r.status, 0, r.stdout);
  const fds = r.stdout.split(/\r?\n/).filter((line) => /^(pipe:|socket:|\/dev\/)/.test(line));
  assert.equal(fds.length, 2, r.stdout);
  for (const fd of fds) assert.match(fd, /^(pipe|socket):\[\d+\]$/);
});

test('stdin is passed through to the child', async (t) => {
  const sb = sandbox(t);
  const input = Buffer.from([0, 1, 2, 255, 10, 65, 66, 10]);
  const r = await patience(sb, ['fix', '-q', '--', ...node('echo-stdin.mjs')], { input });
  assert.equal(r.code, 0);
  assert.ok(r.stdout.equals(input));
});

test(
  'when its own stdout goes away (| head -1), patience closes the child’s too and ends',
  { timeout: 15_000 },
  async (t) => {
    const sb = sandbox(t);
    const r = await patience(sb, ['fix', '-a', '2', '-d', '10ms', '--', 'yes'], {
      onStart: (child) => child.stdout?.once('data', () => child.stdout?.destroy()),
    });
    assert.notEqual(r.code, 0);
    assert.ok(r.ms < 5000, `took ${r.ms} ms`);
    assert.match(r.stderr, /Command failed after 2 attempts/);
  },
);

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}
