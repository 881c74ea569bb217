// The grammar (docs/cli.md §1) as a user meets it: help, version, `--`, and usage errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patience, sandbox } from './helpers.ts';

test('--help, STRATEGY --help and --version go to stdout with exit 0', async (t) => {
  const sb = sandbox(t);
  const root = await patience(sb, ['--help']);
  assert.equal(root.code, 0);
  assert.match(root.stdout.toString(), /Usage: patience STRATEGY \[options\] \[--\] COMMAND/);
  for (const alias of ['ha', 'exp', 'lin', 'fix', 'jit', 'dj', 'fib', 'poly', 'adapt', 'dio', 'dioph']) {
    const r = await patience(sb, [alias, '--help']);
    assert.equal(r.code, 0, alias);
    assert.match(r.stdout.toString(), /Usage: patience [a-z-]+ \[options\]/, alias);
    assert.match(r.stdout.toString(), /--attempts <N>/, alias);
  }
  const dio = await patience(sb, ['diophantine', '--help']);
  for (const opt of [
    '--rate-limit',
    '--window',
    '--retry-offsets',
    '--resource-id',
    '--daemon',
    '--daemon-socket',
    '--daemon-timeout',
    '--daemon-auto-start',
  ]) {
    assert.match(dio.stdout.toString(), new RegExp(opt));
  }
  const v = await patience(sb, ['--version']);
  assert.match(v.stdout.toString(), /^patience version \d+\.\d+\.\d+\n$/);
});

test('the command after -- is passed verbatim, later -- included; without --, at the first non-option', async (t) => {
  const sb = sandbox(t);
  const a = await patience(sb, ['fixed', '-q', '--', 'printf', '%s\\n', '-a', '--', 'x']);
  assert.equal(a.stdout.toString(), '-a\n--\nx\n');
  const b = await patience(sb, ['fixed', '-q', 'printf', '%s\\n', '-q', '--', 'y']);
  assert.equal(b.stdout.toString(), '-q\n--\ny\n');
});

test('usage mistakes: one error line, a short hint (not the whole help), exit 2', async (t) => {
  const sb = sandbox(t);
  const cases: Array<[string[], RegExp]> = [
    [[], /^patience: no strategy given/],
    [['--', 'true'], /^patience: no strategy given/],
    [['sometimes', '--', 'true'], /^patience: unknown strategy 'sometimes'/],
    [['exp', '--bogus', '--', 'true'], /^patience: unknown option '--bogus'/],
    [['exp', '--'], /^patience: no command given/],
    [['exp'], /^patience: no command given/],
  ];
  for (const [args, want] of cases) {
    const r = await patience(sb, args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, want);
    assert.equal(r.stdout.length, 0);
    const lines = r.stderr.trim().split('\n');
    assert.ok(lines.length <= 3 && /patience (--help|[a-z-]+ --help)/.test(r.stderr), r.stderr);
    assert.equal(r.stderr.match(/patience: /g)?.length, 1, 'the error is printed once');
  }
});
