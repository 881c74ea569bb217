import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STRATEGIES, STRATEGY_NAMES } from '../retry/strategies/index.ts';
import { UsageError } from './errors.ts';
import { helpAsFlag } from './help-topic.ts';
import { main } from './main.ts';

test('help NAME becomes NAME --help for every strategy, alias and command; help alone is --help', () => {
  assert.deepEqual(helpAsFlag(['help']), ['--help']);
  assert.deepEqual(helpAsFlag(['help', 'help']), ['--help']);
  assert.deepEqual(helpAsFlag(['help', '--help']), ['--help']);
  for (const s of STRATEGY_NAMES) {
    assert.deepEqual(helpAsFlag(['help', s]), [s, '--help']);
    assert.deepEqual(helpAsFlag(['help', STRATEGIES[s].alias]), [STRATEGIES[s].alias, '--help']);
  }
  for (const c of ['runs', 'stats', 'completion']) assert.deepEqual(helpAsFlag(['help', c]), [c, '--help']);
  // Anything else is left alone, `help` as a later word included (it is a command's argument).
  assert.deepEqual(helpAsFlag(['fixed', '--', 'help', 'me']), ['fixed', '--', 'help', 'me']);
});

test('an unknown help topic, or more than one, is a usage error with the topics as its hint', () => {
  for (const argv of [
    ['help', 'nope'],
    ['help', 'exp', 'more'],
    ['help', '-x'],
  ]) {
    assert.throws(
      () => helpAsFlag(argv),
      (err: unknown) =>
        err instanceof UsageError &&
        !err.message.includes('\n') &&
        /Usage: patience help \[STRATEGY \| runs \| stats \| completion\]/.test(err.hint ?? ''),
      argv.join(' '),
    );
  }
});

test('main: help NAME prints what NAME --help prints, to the byte; an unknown topic exits 2', async () => {
  const run = async (argv: string[]) => {
    const seen = { stdout: '', stderr: '' };
    const code = await main(argv, {
      env: {},
      stdout: { write: (s: string) => (seen.stdout += s) },
      stderr: { write: (s: string) => (seen.stderr += s) },
    });
    return { code, ...seen };
  };
  for (const name of ['exponential', 'dio', 'runs', 'stats', 'completion']) {
    const viaHelp = await run(['help', name]);
    const viaFlag = await run([name, '--help']);
    assert.equal(viaHelp.code, 0, name);
    assert.ok(viaHelp.stdout.length > 100, name);
    assert.equal(viaHelp.stdout, viaFlag.stdout, name);
  }
  assert.equal((await run(['help'])).stdout, (await run(['--help'])).stdout);
  const unknown = await run(['help', 'sometimes']);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stdout, '');
  assert.match(unknown.stderr, /^patience: unknown help topic 'sometimes'\nUsage: patience help/);
});
