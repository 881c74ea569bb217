// Is a PID a live process, and is it a patienced? kill(pid, 0) alone is not enough: a
// killed process stays a zombie until its parent reaps it, and kill(0) still succeeds on a
// zombie. On Linux /proc/PID/stat tells (state Z or X); elsewhere kill(0) is all we have.
import fs from 'node:fs';
import path from 'node:path';

export type ProcessState = 'alive' | 'dead' | 'zombie';

export interface ProcessProbe {
  /** process.kill(pid, 0): throws ESRCH when there is no such process, EPERM when it is another user's. */
  signal0: (pid: number) => void;
  /** Reads a /proc file, or throws when there is none (not Linux, or no such process). */
  readProc: (pid: number, file: 'stat' | 'cmdline') => string;
  /** The process's working directory (readlink /proc/PID/cwd), to resolve a relative argument. */
  cwd?: (pid: number) => string;
  /** realpath(3); a path that does not resolve throws. */
  realpath?: (p: string) => string;
}

export const realProbe: ProcessProbe = {
  signal0: (pid) => void process.kill(pid, 0),
  readProc: (pid, file) => fs.readFileSync(`/proc/${pid}/${file}`, 'latin1'),
  cwd: (pid) => fs.readlinkSync(`/proc/${pid}/cwd`),
  realpath: (p) => fs.realpathSync(p),
};

/** The file this program runs from (the bundle, or bin.ts under tsx), resolved. */
export function ownScript(argv1: string | undefined = process.argv[1]): string {
  if (!argv1) return '';
  try {
    return fs.realpathSync(argv1);
  } catch {
    return path.resolve(argv1);
  }
}

export function processState(pid: number, probe: ProcessProbe = realProbe): ProcessState {
  try {
    probe.signal0(pid);
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return 'dead';
  }
  let stat: string;
  try {
    stat = probe.readProc(pid, 'stat');
  } catch {
    return 'alive';
  }
  // "PID (comm) S ...": comm may itself hold spaces and parentheses, so take the last ")".
  const state = stat.slice(stat.lastIndexOf(')') + 1).trim()[0];
  return state === 'Z' || state === 'X' ? 'zombie' : 'alive';
}

export function isRunning(pid: number, probe: ProcessProbe = realProbe): boolean {
  return processState(pid, probe) === 'alive';
}

/**
 * Proof that a PID runs this very program: one of its arguments is the path of our own
 * script (`bundle`, resolved), once resolved itself against the process's working
 * directory. A name that merely contains "patienced" proves nothing: anybody can start
 * `sleep 600 patienced`. False where there is no /proc.
 */
export function runsBundle(pid: number, bundle: string, probe: ProcessProbe = realProbe): boolean {
  if (!bundle) return false;
  let cmdline: string;
  try {
    cmdline = probe.readProc(pid, 'cmdline');
  } catch {
    return false;
  }
  const base = path.basename(bundle);
  const realpath = probe.realpath ?? ((p: string) => p);
  for (const arg of cmdline.split('\0')) {
    if (arg === bundle) return true;
    if (path.basename(arg) !== base) continue;
    try {
      const abs = path.isAbsolute(arg) ? arg : path.resolve(probe.cwd?.(pid) ?? '/nonexistent', arg);
      if (abs === bundle || realpath(abs) === bundle) return true;
    } catch {
      // unresolvable: not a proof
    }
  }
  return false;
}

/**
 * Whether a live PID runs patienced, judged by its command line (/proc/PID/cmdline). A PID
 * from an old pid file may have been reused by an unrelated process after a crash or a
 * reboot. `unknown` where there is no /proc (macOS): the caller then trusts the pid file.
 * Loose on purpose: it only decides whether a start refuses (a false "yes" refuses a start
 * with a message, harmless). Signalling needs runsBundle or the instance token.
 */
export function looksLikePatienced(pid: number, probe: ProcessProbe = realProbe): 'yes' | 'no' | 'unknown' {
  let cmdline: string;
  try {
    cmdline = probe.readProc(pid, 'cmdline');
  } catch {
    return 'unknown';
  }
  if (cmdline === '') return 'unknown';
  // The bundle (…/patienced.cjs, or the installed wrapper), or the source entry under tsx.
  return cmdline
    .split('\0')
    .some((arg) => /patienced/.test(arg.slice(arg.lastIndexOf('/') + 1)) || arg.endsWith('daemon/bin.ts'))
    ? 'yes'
    : 'no';
}
