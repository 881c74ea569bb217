// Runs the CLI bundle with a V8 code cache. Every run of patience used to compile its
// whole bundle, and then each function it called, before doing anything; with the cache V8
// reads the compiled code back instead (docs/performance.md, CLI start-up).
//
// Node 22 has this built in (module.enableCompileCache), Node 20 does not. The package that
// did it for older Node (v8-compile-cache) keeps its cache under the shared tmpdir, and a
// process that may run as root must never run code another user could have put there. So
// this is our own, in the user's own cache directory:
// - the directory must be a real directory (not a symlink), ours, and writable by nobody
//   else; it is created 0700, and only inside a base directory that is ours;
// - the cache file is opened without following a symlink or blocking on a FIFO, must be a
//   regular file of ours (or root's), and is bounded in size;
// - it is named by the bundle's build hash, the Node version and the CPU, and V8 refuses a
//   cache made by another V8 or other flags; a refused or missing cache is written again
//   at exit (a temp file, then a rename), and older caches in the directory are removed.
// Whatever goes wrong, the run goes on without the cache.

// Named imports: a default import of a built-in costs a copy of all its properties.
import {
  accessSync,
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { Script } from 'node:vm';
import { readSmallBytes, realOwner, type OwnerRule } from '../../shared/safe-file.ts';

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;

/** A cache is about the bundle's size; anything far larger is not ours. */
const MAX_CACHE_BYTES = 16 * 1024 * 1024;
const SUFFIX = '.v8cache';

export type CacheState = 'off' | 'hit' | 'miss' | 'rejected';

export interface Bundle {
  /** The bundle's path: its __filename, and the name in stack traces. */
  file: string;
  /** A hash of its content, fixed at build time. */
  id: string;
}

export interface Launch {
  env: Readonly<Record<string, string | undefined>>;
  owner?: OwnerRule;
  /** Told what became of the cache (PATIENCE_DEBUG). */
  debug?: ((message: string) => void) | undefined;
  /** Runs fn as the process exits; process.once('exit') by default. */
  atExit?: (fn: () => void) => void;
}

/** $XDG_CACHE_HOME/patience, else $HOME/.cache/patience; undefined when neither is usable. */
export function cacheDirFor(env: Readonly<Record<string, string | undefined>>, owner: OwnerRule): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg) && ownedBy(xdg, owner)) return join(xdg, 'patience');
  const home = env.HOME;
  if (home && isAbsolute(home) && ownedBy(home, owner)) return join(home, '.cache', 'patience');
  return undefined;
}

export function cacheFileName(id: string): string {
  return `cli-${id}-${process.version}-${process.arch}${SUFFIX}`;
}

/**
 * Compiles and runs the bundle as Node's CommonJS loader would (its wrapper function, given
 * its own require), with the cache when there is one. Returns what became of the cache.
 */
export function runWithCodeCache(bundle: Bundle, launch: Launch): CacheState {
  const owner = launch.owner ?? realOwner();
  const where = cacheDirFor(launch.env, owner);
  const dir = where === undefined ? undefined : dirState(where, owner) === 'untrusted' ? undefined : where;
  const file = dir === undefined ? undefined : join(dir, cacheFileName(bundle.id));
  const cached = file === undefined ? undefined : readCache(file, owner);

  // The bundle is CommonJS's function wrapper around the CLI, written at build time: its
  // value is the function. No importModuleDynamically: it holds no import() (scripts/build.mjs).
  const source = readFileSync(bundle.file, 'utf8');
  const script = new Script(source, { filename: bundle.file, cachedData: cached });
  const state: CacheState =
    file === undefined ? 'off' : !cached ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  const off = where === undefined ? 'no cache directory of ours' : `${where} is not a private directory of this user`;
  launch.debug?.(`code cache ${state}: ${file ?? off}`);
  if (file !== undefined && state !== 'hit') {
    // At exit the cache holds every function this run compiled, not only the top level.
    const atExit = launch.atExit ?? ((fn: () => void) => void process.once('exit', fn));
    atExit(() => writeCache(dir as string, file, () => script.createCachedData(), owner));
  }

  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {}, filename: bundle.file, id: '.', loaded: false };
  const require = createRequire(bundle.file);
  wrapper.call(module.exports, module.exports, require, module, bundle.file, dirname(bundle.file));
  return state;
}

function readCache(file: string, owner: OwnerRule): Buffer | undefined {
  try {
    const r = readSmallBytes(file, MAX_CACHE_BYTES, owner);
    return r.kind === 'bytes' && r.bytes.length > 0 ? r.bytes : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the cache atomically, then removes the caches of other builds and Node versions. */
function writeCache(dir: string, file: string, data: () => Buffer, owner: OwnerRule): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (dirState(dir, owner) !== 'ok') return false;
    // A read-only file system throws here, before the cache is serialised (a few ms).
    accessSync(dir, constants.W_OK);
    const bytes = data();
    if (bytes.length === 0 || bytes.length > MAX_CACHE_BYTES) return false;
    const fd = openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    return false;
  }
  removeOthers(dir, file);
  return true;
}

function removeOthers(dir: string, keep: string): void {
  try {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      // Other builds' caches, and temp files a killed run left (a concurrent writer's rename
      // then fails, and it goes on without writing: harmless).
      const ours = name.startsWith('cli-') && (name.endsWith(SUFFIX) || name.endsWith('.tmp'));
      if (path !== keep && ours) unlinkSync(path);
    }
  } catch {
    // another patience removed it first, or the directory went away: nothing to do
  }
}

/** ok: a real directory (lstat: not a symlink), ours, that nobody else may write. */
function dirState(dir: string, owner: OwnerRule): 'ok' | 'missing' | 'untrusted' {
  try {
    const st = lstatSync(dir);
    return st.isDirectory() && st.uid === owner.uid && (st.mode & 0o022) === 0 ? 'ok' : 'untrusted';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'untrusted';
  }
}

function ownedBy(dir: string, owner: OwnerRule): boolean {
  try {
    return statSync(dir).uid === owner.uid;
  } catch {
    return false;
  }
}
