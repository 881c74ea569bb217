// Is a PID a live process, and is it a patienced? kill(pid, 0) alone is not enough: a
// killed process stays a zombie until its parent reaps it, and kill(0) still succeeds on a
// zombie. On Linux /proc/PID/stat tells (state Z or X); elsewhere kill(0) is all we have.
import fs from 'node:fs';

export type ProcessState = 'alive' | 'dead' | 'zombie';

export interface ProcessProbe {
  /** process.kill(pid, 0): throws ESRCH when there is no such process, EPERM when it is another user's. */
  signal0: (pid: number) => void;
  /** Reads a /proc file, or throws when there is none (not Linux, or no such process). */
  readProc: (pid: number, file: 'stat' | 'cmdline') => string;
}

export const realProbe: ProcessProbe = {
  signal0: (pid) => void process.kill(pid, 0),
  readProc: (pid, file) => fs.readFileSync(`/proc/${pid}/${file}`, 'latin1'),
};

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
 * Whether a live PID runs patienced, judged by its command line (/proc/PID/cmdline). A PID
 * from an old pid file may have been reused by an unrelated process after a crash or a
 * reboot. `unknown` where there is no /proc (macOS): the caller then trusts the pid file.
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
  return cmdline.split('\0').some((arg) => /patienced/.test(arg.slice(arg.lastIndexOf('/') + 1)) || arg.endsWith('daemon/bin.ts'))
    ? 'yes'
    : 'no';
}
