import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, type ParsedArgs } from './args.ts';
import { commandLine } from './command-line.ts';
import { UsageError } from './errors.ts';

function parse(argv: string[]): { parsed: ParsedArgs; out: string } {
  let out = '';
  const parsed = parseArgs(argv, { write: (s: string) => (out += s) });
  return { parsed, out };
}
const run = (argv: string[]) => parse(argv).parsed as Extract<ParsedArgs, { kind: 'run' }>;
const flag = (argv: string[], key: string) => run(argv).flags.find((f) => f.key === key)?.raw;

test('everything after the first -- is the command, later -- included', () => {
  assert.deepEqual(run(['fixed', '-a', '2', '--', 'echo', '-a', '--', 'x']).command, ['echo', '-a', '--', 'x']);
  assert.deepEqual(run(['fix', '--', '--weird']).command, ['--weird']);
});

test('without --, option parsing stops at the first word that is not an option', () => {
  const r = run(['exp', '-a', '2', 'grep', '-q', '--', 'x']);
  assert.deepEqual(r.command, ['grep', '-q', '--', 'x']);
  assert.equal(flag(['exp', '-a', '2', 'grep', '-a', '9'], 'attempts'), '2');
});

test('aliases, short and long forms, and flags as entries', () => {
  assert.equal(run(['dj', 'true']).strategy, 'decorrelated-jitter');
  assert.equal(flag(['exp', '-b500ms', 'true'], 'base-delay'), '500ms');
  assert.equal(flag(['exp', '--base-delay=2s', 'true'], 'base-delay'), '2s');
  assert.equal(flag(['exp', '--no-report', 'true'], 'no-report'), true);
  assert.equal(flag(['exp', 'true'], 'no-report'), undefined);
  assert.deepEqual(flag(['exp', '--label', 'a=1', '--label', 'b=2', 'true'], 'label'), ['a=1', 'b=2']);
  assert.equal(run(['exp', '--config', 'x.toml', 'true']).configPath, 'x.toml');
});

test('help and version', () => {
  const root = parse(['--help']);
  assert.deepEqual(root.parsed, { kind: 'done', code: 0 });
  assert.match(root.out, /Usage: patience STRATEGY/);
  for (const s of ['http-aware', 'decorrelated-jitter', 'diophantine']) assert.match(root.out, new RegExp(s));
  const sub = parse(['poly', '--help']);
  assert.deepEqual(sub.parsed, { kind: 'done', code: 0 });
  assert.match(sub.out, /-e, --exponent <F>\s+power of n, >= 0 \(default: 2.0\)/);
  assert.doesNotMatch(sub.out, /--delay/);
  assert.match(parse(['--version']).out, /^patience version \d+\.\d+\.\d+\n$/);
});

test('grammar mistakes are one line plus a short hint', () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /^no strategy given/],
    [['--', 'ls'], /^no strategy given/],
    [['nope', 'ls'], /^unknown strategy 'nope'$/],
    [['fixed', '--nope', 'ls'], /^unknown option '--nope'$/],
    [['fixed', '--delay'], /argument missing/],
    [['fixed'], /^no command given$/],
    [['fixed', '-a', '3', '--'], /^no command given$/],
    [['fixed', '-b', '1s', 'ls'], /^unknown option '-b'$/],
  ];
  for (const [argv, want] of cases) {
    assert.throws(
      () => parseArgs(argv, { write: () => true }),
      (err: unknown) =>
        err instanceof UsageError &&
        want.test(err.message) &&
        !err.message.includes('\n') &&
        /Usage: patience/.test(err.hint ?? ''),
      argv.join(' '),
    );
  }
});

test('the command line is shell-quoted', () => {
  assert.equal(
    commandLine(['curl', '-H', 'Authorization: Bearer x', 'https://h/p?a=1']),
    "curl -H 'Authorization: Bearer x' 'https://h/p?a=1'",
  );
  assert.equal(commandLine(['echo', "it's"]), "echo 'it'\\''s'");
  assert.equal(commandLine(['make', 'test']), 'make test');
});
