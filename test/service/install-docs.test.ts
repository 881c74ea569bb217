// scripts/install.sh and uninstall.sh, staged into a DESTDIR: the shell completion and the
// man pages go where each shell and man(1) look under PREFIX, are the files the build
// wrote, and go away again with uninstall (a file of the same name that is not ours stays).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/daemon.ts';
import { run } from '../helpers/service.ts';

const PREFIX = '/opt/patience-test';

/** Each installed file under PREFIX/share, and the file of dist/ it must equal. */
const INSTALLED: ReadonlyArray<[string, string]> = [
  ['bash-completion/completions/patience', 'completion/patience.bash'],
  ['bash-completion/completions/patienced', 'completion/patience.bash'],
  ['zsh/site-functions/_patience', 'completion/_patience'],
  ['fish/vendor_completions.d/patience.fish', 'completion/patience.fish'],
  ['fish/vendor_completions.d/patienced.fish', 'completion/patienced.fish'],
  ['man/man1/patience.1', 'man/patience.1'],
  ['man/man8/patienced.8', 'man/patienced.8'],
];

const script = (name: string, stage: string) =>
  run('bash', [path.resolve('scripts', name)], {
    env: { DESTDIR: stage, PREFIX, NODE: process.execPath, TARGET_OS: 'linux' },
    timeoutMs: 60_000,
  });

test('install.sh puts the completion scripts and man pages under PREFIX/share; uninstall.sh removes only ours', async (t) => {
  const stage = tempDir('patience-stage-');
  t.after(() => fs.rmSync(stage, { recursive: true, force: true }));
  const share = path.join(stage, PREFIX, 'share');
  const installed = await script('install.sh', stage);
  assert.equal(installed.code, 0, installed.stderr);
  assert.match(
    installed.stdout,
    /installed bash, zsh and fish completion and the man pages .* in \/opt\/patience-test\/share/,
  );
  for (const [file, built] of INSTALLED) {
    const at = path.join(share, file);
    assert.equal(fs.readFileSync(at, 'utf8'), fs.readFileSync(path.join('dist', built), 'utf8'), file);
    assert.equal(fs.statSync(at).mode & 0o777, 0o644, `${file} is 0644`);
  }
  // man finds the staged pages by name under the staged MANPATH.
  const found = await run('man', ['-w', 'patienced'], { env: { MANPATH: path.join(share, 'man') } });
  assert.equal(found.stdout.trim(), path.join(share, 'man/man8/patienced.8'), found.stderr);

  // A file of ours that someone replaced is left alone by uninstall.
  fs.writeFileSync(path.join(share, 'zsh/site-functions/_patience'), '#compdef patience\n# my own\n');
  const removed = await script('uninstall.sh', stage);
  assert.equal(removed.code, 0, removed.stderr);
  for (const [file] of INSTALLED) {
    assert.equal(fs.existsSync(path.join(share, file)), file === 'zsh/site-functions/_patience', file);
  }
  assert.match(removed.stdout, /removed \/opt\/patience-test\/share\/man\/man1\/patience\.1/);
});
