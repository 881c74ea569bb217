import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completionMain } from './main.ts';
import { completionFiles, completionScript } from './scripts.ts';

function run(argv: string[]) {
  const seen = { stdout: '', stderr: '' };
  const code = completionMain(argv, {
    stdout: { write: (s: string) => (seen.stdout += s) },
    stderr: { write: (s: string) => (seen.stderr += s) },
  });
  return { code, ...seen };
}

test('completion SHELL prints that shell’s script, the same text the build installs', () => {
  const files = completionFiles();
  assert.equal(run(['bash']).stdout, files['patience.bash']);
  assert.equal(run(['zsh']).stdout, files._patience);
  assert.equal(run(['fish']).stdout, `${files['patience.fish']}\n${files['patienced.fish']}`);
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    const r = run([shell]);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, completionScript(shell));
    assert.match(r.stdout, /patienced/, `${shell}: patienced completes from the same output`);
  }
  assert.match(run(['bash']).stdout, /^complete -F _patience patience$/m);
  assert.match(run(['bash']).stdout, /^complete -F _patienced patienced$/m);
  assert.match(run(['zsh']).stdout, /^#compdef patience patienced$/m);
});

test('an unknown shell, none or two: exit 2 and one line naming the choices', () => {
  for (const argv of [['tcsh'], [], ['bash', 'zsh']]) {
    const r = run(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    assert.match(r.stderr, /^patience: .*choose bash, zsh or fish/);
  }
  assert.match(run(['tcsh']).stderr, /unknown shell 'tcsh'/);
});

test('--help', () => {
  const r = run(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage: patience completion bash\|zsh\|fish\n/);
  assert.equal(run(['-h']).stdout, r.stdout);
});
