// Small JSON state files under $XDG_STATE_HOME/patience: read leniently (missing or
// corrupt means empty), written atomically (temp file + rename), and a lock file for
// read-modify-write sections shared by concurrent patience processes.
import type * as Fsp from 'node:fs/promises';
import { dirname } from 'node:path';
import { sleep } from './timers.ts';

/** Loaded on first use: a run of any strategy but adaptive and diophantine never reads a state file, and starts sooner. */
let loaded: Promise<typeof Fsp> | undefined;
const fsp = (): Promise<typeof Fsp> => (loaded ??= import('node:fs/promises'));

/** A lock older than this is left over from a crashed process. */
const STALE_LOCK_MS = 2_000;

export async function readJson(file: string): Promise<unknown> {
  try {
    const { readFile } = await fsp();
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const { mkdir, rename, writeFile } = await fsp();
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value));
  await rename(tmp, file);
}

/** Runs fn while holding `${file}.lock` (O_EXCL create; stale locks are broken). */
export async function withLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  const { mkdir, open, stat, unlink } = await fsp();
  await mkdir(dirname(file), { recursive: true });
  for (;;) {
    try {
      await (await open(lock, 'wx')).close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const age = await stat(lock).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > STALE_LOCK_MS) await unlink(lock).catch(() => {});
    else await sleep(5 + Math.random() * 10);
  }
  try {
    return await fn();
  } finally {
    await unlink(lock).catch(() => {});
  }
}
