// Each strategy's schedule through --dry-run, and the strategies that react to the world:
// http-aware (server hints), adaptive (learning kept on disk), diophantine (the ledger).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { node, patience, sandbox } from './helpers.ts';

/** The delays a dry run prints, in order. */
function delays(stdout: Buffer): string[] {
  return [...stdout.toString().matchAll(/after (\S+) \(at/g)].map((m) => m[1] as string);
}

test('--dry-run prints each strategy’s schedule and runs nothing', async (t) => {
  const sb = sandbox(t);
  const marker = join(sb.dir, 'ran');
  const cmd = ['--', 'touch', marker];
  const cases: Array<[string[], string[]]> = [
    [
      ['fixed', '-a', '4'],
      ['1s', '1s', '1s'],
    ],
    [
      ['exp', '-a', '9'],
      ['1s', '2s', '4s', '8s', '16s', '32s', '1m', '1m'],
    ],
    [
      ['exponential', '-a', '4', '-b', '500ms', '-x', '3', '-m', '2s'],
      ['0.5s', '1.5s', '2s'],
    ],
    [
      ['lin', '-a', '4'],
      ['1s', '2s', '3s'],
    ],
    [
      ['fib', '-a', '7'],
      ['1s', '1s', '2s', '3s', '5s', '8s'],
    ],
    [
      ['poly', '-a', '5'],
      ['1s', '4s', '9s', '16s'],
    ],
    [
      ['poly', '-a', '4', '-e', '1.5', '-b', '100ms'],
      ['0.1s', '0.28s', '0.52s'],
    ],
    [
      ['ha', '-a', '4'],
      ['1s', '2s', '4s'],
    ],
    [
      ['http-aware', '-a', '4', '-f', 'lin', '-b', '2s'],
      ['2s', '4s', '6s'],
    ],
    [
      ['adapt', '-a', '3', '-f', 'fixed'],
      ['1s', '1s'],
    ],
    [
      ['dio', '-a', '4'],
      ['10m', '20m', '20m'],
    ],
    [
      ['dio', '-a', '3', '-o', '5s,1m'],
      ['5s', '55s'],
    ],
  ];
  for (const [args, want] of cases) {
    const r = await patience(sb, [...args, '--dry-run', ...cmd]);
    assert.equal(r.code, 0, args.join(' '));
    assert.deepEqual(delays(r.stdout), want, args.join(' '));
    assert.match(r.stdout.toString(), new RegExp(`up to ${want.length + 1} attempts`));
  }
  for (const [args, max] of [
    [
      ['jit', '-a', '6'],
      [1, 2, 4, 8, 16],
    ],
    [
      ['dj', '-a', '6', '-m', '10s'],
      [3, 9, 10, 10, 10],
    ],
  ] as const) {
    const r = await patience(sb, [...args, '--dry-run', ...cmd]);
    const got = delays(r.stdout).map((d) =>
      d.endsWith('ms') ? Number(d.slice(0, -2)) / 1000 : Number(d.slice(0, -1)),
    );
    assert.equal(got.length, 5, args.join(' '));
    got.forEach((d, i) => assert.ok(d >= 0 && d <= (max[i] as number), `${args.join(' ')}: ${d} > ${max[i]}`));
    assert.match(r.stdout.toString(), /random/);
  }
  assert.equal(readdirSync(sb.dir).includes('ran'), false);
});

test('--dry-run with --max-time stops the schedule at the budget', async (t) => {
  const sb = sandbox(t);
  const r = await patience(sb, ['exp', '-a', '10', '--max-time', '10s', '--dry-run', '--', 'true']);
  assert.deepEqual(delays(r.stdout), ['1s', '2s', '4s']);
  assert.match(r.stdout.toString(), /attempt 5: not started, it would begin after --max-time 10s/);
});

test('http-aware honours Retry-After instead of its fallback', async (t) => {
  const sb = sandbox(t);
  const args = [
    'ha',
    '-a',
    '3',
    '-b',
    '5s',
    '--',
    ...node('flaky.mjs', join(sb.dir, 'n'), '1', '22', 'HTTP/1.1 429 Too Many Requests', 'Retry-After: 1'),
  ];
  const r = await patience(sb, args);
  assert.equal(r.code, 0);
  // The 429 status line judges the attempt (docs/cli.md, "http-aware: HTTP status lines").
  assert.match(r.stderr, /Attempt 1\/3 failed \(HTTP 429\)\. Retrying in 1s\./);
  // The fallback would sleep 5 s, so any run shorter than that did not use it, however slow
  // the machine (a loaded one took 4 s for the 1 s wait and two node starts).
  assert.ok(r.ms < 5000, `took ${r.ms} ms: the 5 s fallback was used`);
});

test('http-aware reads a nested JSON hint, and a hint beyond --max-time ends the run', async (t) => {
  const sb = sandbox(t);
  const body = '{"error":{"code":429,"details":{"retry_after":"0.3"}}}';
  const r = await patience(sb, [
    'ha',
    '-a',
    '2',
    '-b',
    '5s',
    '--',
    ...node('flaky.mjs', join(sb.dir, 'a'), '1', '22', body),
  ]);
  assert.match(r.stderr, /Retrying in 0\.3s\./);
  assert.equal(r.code, 0);
  const over = await patience(sb, [
    'ha',
    '-a',
    '3',
    '--max-time',
    '2s',
    '--',
    ...node('flaky.mjs', join(sb.dir, 'b'), '5', '22', 'Retry-After: 60'),
  ]);
  assert.equal(over.code, 22);
  assert.match(over.stderr, /Final Reason: retry-after exceeds max-time/);
  assert.ok(over.ms < 3000);
});

test('adaptive keeps what it learned per command under $XDG_STATE_HOME/patience', async (t) => {
  const sb = sandbox(t);
  const counter = join(sb.dir, 'n');
  const args = ['adapt', '-a', '3', '-b', '10ms', '-m', '50ms', '--', ...node('flaky.mjs', counter, '1', '1')];
  assert.equal((await patience(sb, args)).code, 0);
  const dir = join(sb.stateDir, 'patience', 'adaptive');
  const files = readdirSync(dir);
  assert.equal(files.length, 1);
  const stored = JSON.parse(readFileSync(join(dir, files[0] as string), 'utf8')) as {
    command: string;
    outcomes: unknown[];
  };
  assert.match(stored.command, /flaky\.mjs/);
  assert.deepEqual(stored.outcomes, [{ delayMs: 10, success: true }]);
  // A second run of the same command starts from there.
  const dry = await patience(sb, [...args.slice(0, 7), '--dry-run', ...args.slice(7)]);
  assert.match(dry.stdout.toString(), /Learned so far for this command: 1 outcome/);
});

test('diophantine waits for a slot in its ledger, and --daemon without a daemon falls back to it with one warning', async (t) => {
  const sb = sandbox(t);
  const r = await patience(sb, [
    'dio',
    '-a',
    '2',
    '-r',
    '1',
    '-w',
    '700ms',
    '-o',
    '0,10ms',
    '--resource-id',
    'api.test',
    '--daemon',
    '--',
    'sh',
    '-c',
    'exit 1',
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\[retry\] Rate limit for api\.test: waiting 0\.\d+s\n/);
  assert.ok(r.ms >= 600, `took ${r.ms} ms: the rate limit was not enforced`);
  assert.equal(
    r.stderr.match(
      /warning: no patienced answers at \S+daemon\.sock \(ENOENT\); using the local rate-limit ledger for this run\n/g,
    )?.length,
    1,
  );
  const ledger = JSON.parse(readFileSync(join(sb.stateDir, 'patience', 'ledger', 'api.test.json'), 'utf8')) as {
    starts: number[];
  };
  assert.equal(ledger.starts.length, 1);
});

test('two patience processes share the diophantine ledger', async (t) => {
  const sb = sandbox(t);
  const args = ['dio', '-a', '1', '-r', '1', '-w', '1s', '--resource-id', 'shared', '--', 'true'];
  const [a, b] = await Promise.all([patience(sb, args), patience(sb, args)]);
  assert.deepEqual([a.code, b.code], [0, 0]);
  const waited = [a, b].filter((r) => /Rate limit for shared/.test(r.stderr));
  assert.equal(waited.length, 1);
  assert.ok(Math.max(a.ms, b.ms) >= 800, 'the second start waited for the window');
});
