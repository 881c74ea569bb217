// CLI start-up (docs/performance.md, CLI start-up): a run loads no built-in module it does
// not need. Each of these cost milliseconds on every run when it was loaded eagerly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, sandbox } from './helpers.ts';

/** Built-ins a plain run must not load: node:crypto alone pulled in some 25 internal modules. */
const UNNEEDED = ['crypto', 'fs/promises', 'http', 'https', 'http2', 'tls', 'zlib', 'readline', 'worker_threads'];

test('a plain run loads no built-in module it does not need, nor makes a stdout stream', (t) => {
  const sb = sandbox(t);
  const preload = join(sb.dir, 'loaded.cjs');
  const list = join(sb.dir, 'loaded.json');
  // The preload also notes whether anything made process.stdout (0.5-1.5 ms).
  writeFileSync(
    preload,
    `let stdout = false;
const made = Object.getOwnPropertyDescriptor(process, 'stdout');
Object.defineProperty(process, 'stdout', { ...made, get() { stdout = true; return made.get.call(process); } });
process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify({ loaded: process.moduleLoadList, stdout })));`,
  );
  const r = spawnSync(process.execPath, ['-r', preload, BIN, 'fixed', '-a', '1', '--', 'true'], {
    env: sb.env,
    cwd: sb.dir,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const seen = JSON.parse(readFileSync(list, 'utf8')) as { loaded: string[]; stdout: boolean };
  const loaded = new Set(seen.loaded);
  assert.equal(seen.stdout, false, 'a run that writes nothing to stdout makes no stdout stream');
  assert.ok(loaded.has('NativeModule child_process'), 'the list is the run’s own');
  const extra = UNNEEDED.filter((name) => loaded.has(`NativeModule ${name}`));
  assert.deepEqual(extra, [], `a plain run loaded ${extra.join(', ')}`);
});

test('patience runs from a code cache in its user’s cache directory after the first run', (t) => {
  const sb = sandbox(t);
  const run = (env: Record<string, string> = {}): { debug: string[]; stderr: string } => {
    const r = spawnSync(process.execPath, [BIN, 'fixed', '-a', '1', '--', 'true'], {
      env: { ...sb.env, PATIENCE_DEBUG: '1', ...env },
      cwd: sb.dir,
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /Command succeeded after 1 attempt/);
    return { debug: r.stderr.split('\n').filter((l) => l.includes('code cache')), stderr: r.stderr };
  };
  const dir = join(sb.env.HOME as string, '.cache', 'patience');
  assert.match(run().debug.join('\n'), new RegExp(`^patience: debug: code cache miss: ${dir}/cli-[0-9a-f]{16}-v`));
  const files = readdirSync(dir);
  assert.equal(files.length, 1);
  assert.equal(statSync(join(dir, files[0] as string)).mode & 0o777, 0o600);
  assert.match(run().debug.join('\n'), /code cache hit/);

  // A HOME that is not this user's gets no cache, and the run is the same.
  const shared = join(sb.dir, 'shared-home');
  mkdirSync(shared, { mode: 0o1777 });
  if (process.getuid?.() === 0) chownSync(shared, 65534, 65534);
  const other = run({ HOME: shared, XDG_CACHE_HOME: '' });
  if (process.getuid?.() === 0) {
    assert.match(other.debug.join('\n'), /code cache off: no cache directory of ours/);
    assert.deepEqual(readdirSync(shared), []);
  }
});

test('the CLI bundle the launcher compiles is ASCII and holds no import()', () => {
  // scripts/build.mjs refuses either: one non-ASCII byte makes Node read the file as
  // two-byte text (3-4 ms a run), and an import() has no loader in a script from node:vm.
  const main = readFileSync(join(BIN, '..', 'patience-main.cjs'));
  assert.equal(
    main.findIndex((b) => b > 0x7f),
    -1,
  );
  assert.doesNotMatch(main.toString('latin1'), /\bimport\(/);
  assert.match(main.toString('latin1'), /^\(function \(exports, require, module, __filename, __dirname\) \{/);
});
