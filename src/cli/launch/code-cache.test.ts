import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { cacheDirFor, cacheFileName } from './code-cache.ts';

const owner = { uid: process.getuid?.() ?? 0 };
const isRoot = owner.uid === 0;
/** Another user's uid, for files this process did not make (needs root to chown). */
const OTHER_UID = 65534;

interface Ran {
  state: string;
  debug: string[];
  /** What the bundle saw: its __filename, __dirname, a module beside it, a built-in. */
  seen: { filename: string; dirname: string; sibling: string; required: string };
}

// Each run is a process of its own, as patience's are: within one process V8 would compile
// the same source again from its in-memory cache, and a test could not tell a hit from it.
// code-cache.ts is bundled once for them with esbuild, so that they start as plain node.
let runner: string | undefined;
function runnerScript(): string {
  if (runner) return runner;
  const dir = mkdtempSync(join(tmpdir(), 'patience-code-cache-runner-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const lib = join(dir, 'code-cache.cjs');
  buildSync({
    entryPoints: [fileURLToPath(new URL('./code-cache.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: lib,
    logLevel: 'warning',
  });
  runner = join(dir, 'run.cjs');
  writeFileSync(
    runner,
    `const { runWithCodeCache } = require(${JSON.stringify(lib)});
const [bundle, home] = process.argv.slice(2);
const debug = [];
const state = runWithCodeCache({ file: bundle, id: 'test0123' }, { env: { HOME: home }, debug: (m) => debug.push(m) });
process.stdout.write(JSON.stringify({ state, debug, seen: globalThis.__codeCacheTest }));
`,
  );
  return runner;
}

/** A temp HOME and a tiny bundle, wrapped as the build wraps the CLI, that reports what it was given. */
function setup(t: TestContext): { home: string; bundle: string; cacheDir: string; run: () => Ran } {
  const root = mkdtempSync(join(tmpdir(), 'patience-code-cache-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const home = join(root, 'home');
  const app = join(root, 'app');
  mkdirSync(home);
  mkdirSync(app);
  const bundle = join(app, 'main.cjs');
  writeFileSync(join(app, 'sibling.cjs'), 'module.exports = "beside the bundle";');
  writeFileSync(
    bundle,
    [
      '(function (exports, require, module, __filename, __dirname) {',
      'globalThis.__codeCacheTest = { filename: __filename, dirname: __dirname, sibling: require("./sibling.cjs"),',
      '  required: typeof require("node:os").hostname };',
      // Enough functions that a cache of them is worth its name.
      ...Array.from({ length: 50 }, (_, i) => `function f${i}(x) { return x * ${i} + ${i}; } f${i}(${i});`),
      '})',
    ].join('\n'),
  );
  const script = runnerScript();
  const run = (): Ran => {
    const out = execFileSync(process.execPath, [script, bundle, home], { encoding: 'utf8', timeout: 10_000 });
    return JSON.parse(out) as Ran;
  };
  return { home, bundle, cacheDir: join(home, '.cache', 'patience'), run };
}

test('the first run writes the cache, private to its user; the next runs from it', (t) => {
  const { bundle, cacheDir, run } = setup(t);
  const first = run();
  assert.equal(first.state, 'miss');
  assert.deepEqual(first.seen, {
    filename: bundle,
    dirname: join(bundle, '..'),
    sibling: 'beside the bundle',
    required: 'function',
  });
  const file = join(cacheDir, cacheFileName('test0123'));
  assert.equal(statSync(cacheDir).mode & 0o777, 0o700);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.ok(statSync(file).size > 0);
  assert.match(first.debug[0] ?? '', /^code cache miss: .*cli-test0123-v\d+.*\.v8cache$/);

  const second = run();
  assert.equal(second.state, 'hit');
  assert.equal(second.seen.sibling, 'beside the bundle');
  assert.equal(second.seen.required, 'function', 'require works in a bundle compiled from the cache');
});

test('a cache V8 refuses (another build, corrupt) is rewritten; other builds’ caches are removed', (t) => {
  const { cacheDir, run } = setup(t);
  run();
  const file = join(cacheDir, cacheFileName('test0123'));
  const old = join(cacheDir, 'cli-0ld0ld-v18.0.0-x64.v8cache');
  const unrelated = join(cacheDir, 'notes.txt');
  writeFileSync(file, Buffer.alloc(4096, 7));
  writeFileSync(old, 'x');
  writeFileSync(unrelated, 'kept');
  const r = run();
  assert.equal(r.state, 'rejected');
  assert.equal(r.seen.sibling, 'beside the bundle', 'the run goes on without the cache');
  assert.notDeepEqual(readFileSync(file), Buffer.alloc(4096, 7));
  assert.deepEqual(readdirSync(cacheDir).sort(), [cacheFileName('test0123'), 'notes.txt'].sort());
  assert.equal(run().state, 'hit');
});

test('a symlink or a FIFO at the cache’s name is never read, and the run does not block', (t) => {
  const { cacheDir, run } = setup(t);
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const file = join(cacheDir, cacheFileName('test0123'));
  const target = join(cacheDir, 'elsewhere');
  writeFileSync(target, Buffer.alloc(4096, 1));
  symlinkSync(target, file);
  assert.equal(run().state, 'miss', 'the symlink is not followed');
  assert.deepEqual(readFileSync(target), Buffer.alloc(4096, 1), 'nor written through');
  assert.equal(run().state, 'hit', 'the rename replaced the symlink with a cache');

  rmSync(file);
  execFileSync('mkfifo', [file]);
  assert.equal(run().state, 'miss');
});

test('a cache directory others may write, or a symlink, is neither read nor written', (t) => {
  const { cacheDir, run } = setup(t);
  mkdirSync(cacheDir, { recursive: true });
  chmodSync(cacheDir, 0o777);
  const r = run();
  assert.equal(r.state, 'off');
  assert.match(r.debug[0] ?? '', /is not a private directory of this user/);
  assert.deepEqual(readdirSync(cacheDir), []);

  rmSync(cacheDir, { recursive: true });
  const real = join(cacheDir, '..', 'real');
  mkdirSync(real, { mode: 0o700 });
  symlinkSync(real, cacheDir);
  assert.equal(run().state, 'off');
  assert.deepEqual(readdirSync(real), []);
});

test('a cache of another user’s is not run', { skip: !isRoot && 'needs root to chown' }, (t) => {
  const { cacheDir, run } = setup(t);
  run();
  const file = join(cacheDir, cacheFileName('test0123'));
  chownSync(file, OTHER_UID, OTHER_UID);
  assert.equal(run().state, 'miss');
  assert.equal(statSync(file).uid, owner.uid, 'replaced by one of ours');

  chownSync(cacheDir, OTHER_UID, OTHER_UID);
  assert.equal(run().state, 'off');
});

test('the cache directory: XDG_CACHE_HOME, else HOME/.cache, and only a base of ours', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'patience-code-cache-dir-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  assert.equal(cacheDirFor({ XDG_CACHE_HOME: root, HOME: '/nonexistent' }, owner), join(root, 'patience'));
  assert.equal(cacheDirFor({ XDG_CACHE_HOME: 'relative', HOME: root }, owner), join(root, '.cache', 'patience'));
  assert.equal(
    cacheDirFor({ XDG_CACHE_HOME: join(root, 'missing'), HOME: root }, owner),
    join(root, '.cache', 'patience'),
  );
  assert.equal(cacheDirFor({ HOME: 'relative' }, owner), undefined);
  assert.equal(cacheDirFor({}, owner), undefined);
  assert.equal(cacheDirFor({ HOME: root }, { uid: owner.uid + 1 }), undefined, 'a HOME of another user');
  assert.ok(!existsSync(join(root, '.cache')), 'nothing is created by looking');
});
