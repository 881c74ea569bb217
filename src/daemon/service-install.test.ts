import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { MISSING_SCRIPT_EXIT, runServiceScript, serviceScriptPath } from './service-install.ts';

function sink(): Writable & { text: () => string } {
  let text = '';
  const w = new Writable({
    write(c: Buffer, _e, done) {
      text += c.toString();
      done();
    },
  });
  return Object.assign(w, { text: () => text });
}

const BUNDLE = '/opt/lib/node_modules/patience/dist/patienced.cjs';

test('the scripts sit in scripts/ beside the bundle directory', () => {
  assert.equal(serviceScriptPath(BUNDLE, 'install-service'), '/opt/lib/node_modules/patience/scripts/install.sh');
  assert.equal(serviceScriptPath(BUNDLE, 'uninstall-service'), '/opt/lib/node_modules/patience/scripts/uninstall.sh');
});

test('runs the script with the environment as given, the running node as NODE, and returns its exit code', async () => {
  const ran: { script: string; env: NodeJS.ProcessEnv }[] = [];
  const deps = {
    env: { PREFIX: '/opt', DESTDIR: '/stage', PURGE: '1' },
    stderr: sink(),
    bundle: BUNDLE,
    execPath: '/usr/bin/node20',
    isFile: () => true,
    runScript: (script: string, env: NodeJS.ProcessEnv) => {
      ran.push({ script, env });
      return Promise.resolve(3);
    },
  };
  assert.equal(await runServiceScript('uninstall-service', deps), 3);
  assert.deepEqual(ran, [
    {
      script: '/opt/lib/node_modules/patience/scripts/uninstall.sh',
      env: { PREFIX: '/opt', DESTDIR: '/stage', PURGE: '1', NODE: '/usr/bin/node20' },
    },
  ]);
  // A NODE the user chose wins; an empty one is unset, as install.sh reads it.
  await runServiceScript('install-service', { ...deps, env: { NODE: '/usr/local/bin/node' } });
  assert.equal(ran[1]?.env['NODE'], '/usr/local/bin/node');
  await runServiceScript('install-service', { ...deps, env: { NODE: '' } });
  assert.equal(ran[2]?.env['NODE'], '/usr/bin/node20');
  assert.equal(deps.stderr.text(), '');
});

test('a bundle without its scripts is one line naming the missing script, exit 1, and runs nothing', async () => {
  const stderr = sink();
  let ran = false;
  const code = await runServiceScript('install-service', {
    env: {},
    stderr,
    bundle: BUNDLE,
    isFile: () => false,
    runScript: () => {
      ran = true;
      return Promise.resolve(0);
    },
  });
  assert.equal(code, MISSING_SCRIPT_EXIT);
  assert.equal(code, 1);
  assert.equal(ran, false);
  assert.equal(
    stderr.text(),
    'patienced: cannot -install-service: /opt/lib/node_modules/patience/scripts/install.sh is missing ' +
      '(/opt/lib/node_modules/patience/dist/patienced.cjs was copied without the rest of its package); ' +
      'use the patienced of an installed package or a checkout, or run its scripts/install.sh\n',
  );
});

test('the real runner: bash runs the script, whose exit code (or 128 + its signal) comes back', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'patience-service-script-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, 'dist'));
  fs.mkdirSync(path.join(root, 'scripts'));
  const bundle = path.join(root, 'dist', 'patienced.cjs');
  fs.writeFileSync(bundle, '');
  const out = path.join(root, 'out');
  // Not executable, as an unpacked package may leave it: bash is given the file.
  fs.writeFileSync(
    path.join(root, 'scripts', 'install.sh'),
    'set -o pipefail\nprintf "%s|%s|%s" "$PREFIX" "$DESTDIR" "$NODE" >"$OUT"\nexit 7\n',
    { mode: 0o644 },
  );
  fs.writeFileSync(path.join(root, 'scripts', 'uninstall.sh'), 'kill -TERM $$\n', { mode: 0o644 });
  const env = { PATH: process.env.PATH ?? '', OUT: out, PREFIX: '/opt', DESTDIR: '/stage' };
  const stderr = sink();
  assert.equal(await runServiceScript('install-service', { env, stderr, bundle }), 7);
  assert.equal(fs.readFileSync(out, 'utf8'), `/opt|/stage|${process.execPath}`);
  assert.equal(await runServiceScript('uninstall-service', { env, stderr, bundle }), 128 + 15);
  assert.equal(stderr.text(), '');
});
