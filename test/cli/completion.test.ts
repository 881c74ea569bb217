// Shell completion as a shell runs it: the script from the built `patience completion bash`
// is sourced in a clean `bash --norc --noprofile`, and the function that `complete -p`
// names is called with COMP_WORDS and COMP_CWORD set, as bash does on TAB. fish's own
// `complete -C` completes lines with the fish script sourced; in zsh, compinit registers
// the script for both programs, and lines are completed by TAB in an interactive zsh on a
// pseudo-terminal (test/fixtures/zsh-complete.zsh). zsh and fish are skipped where they
// are not installed; scripts/ci.sh installs them. Also the files the build writes, and
// `patience help NAME`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { optionsFor } from '../../src/cli/options.ts';
import { STRATEGY_NAMES } from '../../src/retry/strategies/index.ts';
import { run } from '../helpers/service.ts';
import { fixture, patience, sandbox, type Sandbox } from './helpers.ts';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** The script `patience completion SHELL` prints, saved in the sandbox. */
async function script(sb: Sandbox, shell: 'bash' | 'zsh' | 'fish'): Promise<string> {
  const r = await patience(sb, ['completion', shell]);
  assert.equal(r.code, 0, r.stderr);
  const file = join(sb.dir, `completion.${shell}`);
  writeFileSync(file, r.stdout);
  return file;
}

/** `complete -p PROGRAM`, then its function called on WORDS (the last is the word under the cursor). */
const DRIVER = `source "$0" || exit 9
spec=$(complete -p "$1") || exit 8
printf '%s\\n' "$spec"
fn=\${spec#*-F }
fn=\${fn%% *}
shift
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMP_LINE="$*"
COMP_POINT=\${#COMP_LINE}
COMPREPLY=()
"$fn" "$1" "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\\n' "\${COMPREPLY[@]}"`;

interface Completed {
  spec: string;
  words: string[];
}

async function complete(sb: Sandbox, file: string, words: string[]): Promise<Completed> {
  const program = words[0] ?? '';
  const r = await run('bash', ['--norc', '--noprofile', '-c', DRIVER, file, program, ...words], {
    cwd: sb.dir,
    env: { PATH: `${join(sb.dir, 'bin')}${delimiter}/usr/bin${delimiter}/bin`, HOME: sb.dir },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', `no noise on stderr while completing ${words.join(' ')}`);
  const [spec = '', ...rest] = r.stdout.split('\n');
  return { spec, words: rest.filter((w) => w !== '').sort() };
}

const sorted = (list: readonly string[]): string[] => [...new Set(list)].sort();

/** A sandbox with a command of a name no system has (on PATH first) and a file in its cwd. */
function world(t: Parameters<typeof sandbox>[0]): Sandbox {
  const sb = sandbox(t);
  mkdirSync(join(sb.dir, 'bin'));
  writeFileSync(join(sb.dir, 'bin', 'zz-patience-tool'), '#!/bin/sh\n');
  chmodSync(join(sb.dir, 'bin', 'zz-patience-tool'), 0o755);
  writeFileSync(join(sb.dir, 'notes.txt'), '');
  return sb;
}

test('bash: the generated script is valid bash and is the file the build installs', async (t) => {
  const sb = sandbox(t);
  const file = await script(sb, 'bash');
  const syntax = await run('bash', ['-n', file]);
  assert.equal(syntax.code, 0, syntax.stderr);
  assert.equal(readFileSync(file, 'utf8'), readFileSync(join(DIST, 'completion', 'patience.bash'), 'utf8'));
  assert.equal((await run('bash', ['-n', join(DIST, 'completion', 'patience.bash')])).code, 0);
});

test('bash: strategies and aliases after patience; a strategy’s own options and the common ones, no others', async (t) => {
  const sb = world(t);
  const file = await script(sb, 'bash');
  const ex = await complete(sb, file, ['patience', 'ex']);
  assert.equal(ex.spec, 'complete -F _patience patience');
  assert.deepEqual(ex.words, ['exp', 'exponential']);
  const first = await complete(sb, file, ['patience', '']);
  for (const w of [...STRATEGY_NAMES, 'dio', 'dioph', 'runs', 'stats', 'completion', 'help'])
    assert.ok(first.words.includes(w), w);

  const long = await complete(sb, file, ['patience', 'exponential', '--']);
  assert.deepEqual(long.words, sorted([...optionsFor('exponential').map((o) => `--${o.key}`), '--help']));
  for (const other of ['--delay', '--increment', '--fallback', '--rate-limit', '--exponent'])
    assert.ok(!long.words.includes(other), `exponential has no ${other}`);
  assert.ok(long.words.includes('--base-delay') && long.words.includes('--attempts'));
  // An alias completes as its strategy, short options included.
  const short = await complete(sb, file, ['patience', 'exp', '-']);
  assert.ok(
    short.words.includes('-b') && short.words.includes('-a') && !short.words.includes('-d'),
    short.words.join(' '),
  );
});

test('bash: values of a fixed set, after a space or an =, and files for --config', async (t) => {
  const sb = world(t);
  const file = await script(sb, 'bash');
  assert.deepEqual((await complete(sb, file, ['patience', 'runs', '--status', ''])).words, ['failed', 'succeeded']);
  assert.deepEqual((await complete(sb, file, ['patience', 'runs', '--status', 'su'])).words, ['succeeded']);
  const fallbacks = ['decorrelated-jitter', 'exponential', 'fibonacci', 'fixed', 'jitter', 'linear', 'polynomial'];
  assert.deepEqual((await complete(sb, file, ['patience', 'ha', '--fallback', ''])).words, fallbacks);
  // bash splits --fallback=VALUE at the = (COMP_WORDBREAKS): the value still completes.
  assert.deepEqual((await complete(sb, file, ['patience', 'adaptive', '--fallback', '='])).words, fallbacks);
  assert.deepEqual((await complete(sb, file, ['patience', 'adaptive', '--fallback', '=', 'fi'])).words, [
    'fibonacci',
    'fixed',
  ]);
  assert.deepEqual((await complete(sb, file, ['patience', 'fixed', '--config', 'no'])).words, ['notes.txt']);
  assert.deepEqual((await complete(sb, file, ['patience', 'fixed', '-a', ''])).words, [], 'a number: nothing to offer');
  assert.deepEqual((await complete(sb, file, ['patience', 'completion', ''])).words, ['bash', 'fish', 'zsh']);
  const runs = await complete(sb, file, ['patience', 'runs', '--']);
  assert.ok(
    runs.words.includes('--follow') && runs.words.includes('--daemon-url') && !runs.words.includes('--attempts'),
  );
});

test('bash: after -- (or the options) the first word completes commands, then files', async (t) => {
  const sb = world(t);
  const file = await script(sb, 'bash');
  assert.deepEqual((await complete(sb, file, ['patience', 'exponential', '--', 'zz-pat'])).words, ['zz-patience-tool']);
  // Without --, the first word that is not an option (nor an option's value) is the command.
  assert.deepEqual((await complete(sb, file, ['patience', 'exp', '-a', '3', 'zz-pat'])).words, ['zz-patience-tool']);
  assert.deepEqual((await complete(sb, file, ['patience', 'exp', '--label', 'k=v', 'zz-pat'])).words, [
    'zz-patience-tool',
  ]);
  // Then the command's arguments: files, even where they look like patience's options.
  assert.deepEqual((await complete(sb, file, ['patience', 'exp', '--', 'zz-patience-tool', 'no'])).words, [
    'notes.txt',
  ]);
  assert.deepEqual((await complete(sb, file, ['patience', 'exp', 'zz-patience-tool', '--config', 'no'])).words, [
    'notes.txt',
  ]);
  assert.deepEqual((await complete(sb, file, ['patience', 'exp', '--', 'zz-patience-tool', '--'])).words, []);
});

test('bash: patienced completes from the same script, Go-style flags and their values', async (t) => {
  const sb = world(t);
  const file = await script(sb, 'bash');
  const soc = await complete(sb, file, ['patienced', '-soc']);
  assert.equal(soc.spec, 'complete -F _patienced patienced');
  assert.deepEqual(soc.words, ['-socket', '-socket-mode']);
  assert.deepEqual((await complete(sb, file, ['patienced', '--soc'])).words, ['--socket', '--socket-mode']);
  assert.deepEqual((await complete(sb, file, ['patienced', '-log-level', ''])).words, [
    'debug',
    'error',
    'info',
    'warn',
  ]);
  assert.deepEqual((await complete(sb, file, ['patienced', '-data-file', 'no'])).words, ['notes.txt']);
});

for (const shell of ['zsh', 'fish'] as const) {
  test(`${shell}: the generated script parses (${shell} -n)`, async (t) => {
    const found = (process.env.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, shell)));
    if (!found) {
      t.skip(`${shell} is not installed here, so its script was not parsed (install ${shell} to run this check)`);
      return;
    }
    const sb = sandbox(t);
    const r = await run(shell, ['-n', await script(sb, shell)]);
    assert.equal(r.code, 0, r.stderr);
  });
}

test('patience help NAME prints NAME --help to the byte; help alone is --help', async (t) => {
  const sb = sandbox(t);
  for (const name of ['exponential', 'dio', 'runs', 'stats', 'completion']) {
    const viaHelp = await patience(sb, ['help', name]);
    const viaFlag = await patience(sb, [name, '--help']);
    assert.equal(viaHelp.code, 0, name);
    assert.ok(viaHelp.stdout.length > 100, name);
    assert.deepEqual(viaHelp.stdout, viaFlag.stdout, name);
  }
  assert.deepEqual((await patience(sb, ['help'])).stdout, (await patience(sb, ['--help'])).stdout);
  const unknown = await patience(sb, ['help', 'sometimes']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^patience: unknown help topic 'sometimes'\n/);
  const shell = await patience(sb, ['completion', 'tcsh']);
  assert.equal(shell.code, 2);
  assert.equal(
    shell.stderr,
    "patience: unknown shell 'tcsh': choose bash, zsh or fish (see 'patience completion --help')\n",
  );
});

/** What fish offers for LINE (its `complete -C`), with the script sourced in a clean fish. */
async function fishComplete(sb: Sandbox, file: string, line: string): Promise<string[]> {
  const r = await run('fish', ['--no-config', '-c', 'source $argv[1]; and complete -C $argv[2]', file, line], {
    cwd: sb.dir,
    env: { PATH: `${join(sb.dir, 'bin')}${delimiter}/usr/bin${delimiter}/bin`, HOME: sb.dir },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', `no noise on stderr while completing ${line}`);
  return sorted(
    r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\t')[0] as string),
  );
}

test('fish: strategies, a strategy’s own options, fixed values and commands after --', async (t) => {
  if (!onPath('fish')) return t.skip('fish is not installed here (scripts/ci.sh installs it)');
  const sb = world(t);
  const file = await script(sb, 'fish');
  assert.deepEqual(await fishComplete(sb, file, 'patience ex'), ['exp', 'exponential']);
  const first = await fishComplete(sb, file, 'patience ');
  for (const w of [...STRATEGY_NAMES, 'dio', 'runs', 'stats', 'completion', 'help']) assert.ok(first.includes(w), w);

  const long = await fishComplete(sb, file, 'patience exponential --');
  for (const o of optionsFor('exponential')) assert.ok(long.includes(`--${o.key}`), `--${o.key}`);
  for (const other of ['--delay', '--increment', '--fallback', '--rate-limit'])
    assert.ok(!long.includes(other), `exponential has no ${other}`);
  const alias = await fishComplete(sb, file, 'patience exp --');
  assert.ok(alias.includes('--base-delay') && !alias.includes('--delay'), 'an alias completes as its strategy');

  assert.deepEqual(await fishComplete(sb, file, 'patience runs --status '), ['failed', 'succeeded']);
  assert.deepEqual(await fishComplete(sb, file, 'patience completion '), ['bash', 'fish', 'zsh']);
  assert.ok((await fishComplete(sb, file, 'patience fixed -- zz-patience-t')).includes('zz-patience-tool'));
  assert.ok((await fishComplete(sb, file, 'patience fixed --config no')).includes('notes.txt'));
  assert.deepEqual(await fishComplete(sb, file, 'patienced -log-level '), ['debug', 'error', 'info', 'warn']);
});

/** What zsh's completion offers for LINE, in an interactive zsh on a pseudo-terminal (test/fixtures/zsh-complete.zsh). */
async function zshComplete(sb: Sandbox, file: string, line: string): Promise<string[]> {
  const r = await run('zsh', ['-f', fixture('zsh-complete.zsh'), file, line], {
    cwd: sb.dir,
    env: { PATH: `${join(sb.dir, 'bin')}${delimiter}/usr/bin${delimiter}/bin`, HOME: sb.dir, TERM: 'dumb' },
  });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter((w) => w !== '');
}

test('zsh: compinit registers _patience for both programs, and TAB completes as in bash', async (t) => {
  if (!onPath('zsh')) return t.skip('zsh is not installed here (scripts/ci.sh installs it)');
  const sb = world(t);
  const file = await script(sb, 'zsh');
  const registered = await run(
    'zsh',
    [
      '-f',
      '-c',
      'autoload -U compinit && compinit -u -D && source $1 && print -r -- $_comps[patience] $_comps[patienced]',
      'zsh',
      file,
    ],
    { cwd: sb.dir, env: { PATH: `/usr/bin${delimiter}/bin`, HOME: sb.dir } },
  );
  assert.equal(registered.code, 0, registered.stderr);
  assert.equal(registered.stdout.trim(), '_patience _patience');

  assert.deepEqual(await zshComplete(sb, file, 'patience ex'), ['exp', 'exponential']);
  const long = await zshComplete(sb, file, 'patience exp --');
  for (const o of optionsFor('exponential')) assert.ok(long.includes(`--${o.key}`), `--${o.key}`);
  assert.ok(!long.includes('--delay') && !long.includes('--fallback'), long.join(' '));
  assert.deepEqual(await zshComplete(sb, file, 'patience runs --status '), ['failed', 'succeeded']);
  assert.ok((await zshComplete(sb, file, 'patience fixed -- zz-patience-t')).includes('zz-patience-tool'));
  assert.deepEqual(await zshComplete(sb, file, 'patienced -log-level '), ['debug', 'error', 'info', 'warn']);
});

function onPath(program: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, program)));
}
