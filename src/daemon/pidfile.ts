// The pid file: one running patienced per pid file. It is created atomically (a complete
// temp file hard-linked into place, so nobody ever reads it half-written, and link fails
// when the name exists), refused while a live patienced holds it, replaced when stale
// (dead, zombie, or a PID reused by another program), and removed on exit.
import nodeFs from 'node:fs';
import path from 'node:path';
import { looksLikePatienced, processState, realProbe, type ProcessProbe } from './process-check.ts';

export type PidFileContent = { kind: 'missing' } | { kind: 'invalid'; text: string } | { kind: 'pid'; pid: number; text: string };

export type PidOwner = 'running' | 'dead' | 'zombie' | 'reused' | 'self';

export type AcquireResult =
  | {
      ok: true;
      /** Removes the pid file if it still holds this process's PID. Idempotent. */
      release: () => void;
      /** What a stale pid file held before it was replaced. */
      replaced: { text: string; why: string } | undefined;
    }
  | { ok: false; message: string; runningPid: number | undefined };

export interface PidFileDeps {
  pid: number;
  probe?: ProcessProbe;
  fs?: Pick<typeof nodeFs, 'readFileSync' | 'writeFileSync' | 'chmodSync' | 'linkSync' | 'unlinkSync' | 'mkdirSync'>;
}

export function readPidFile(file: string, fs: Pick<typeof nodeFs, 'readFileSync'> = nodeFs): PidFileContent {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw err;
  }
  const m = /^\s*(\d{1,10})\s*$/.exec(text);
  const pid = m ? Number(m[1]) : NaN;
  return pid > 0 ? { kind: 'pid', pid, text } : { kind: 'invalid', text };
}

/** Who holds a PID taken from a pid file. */
export function pidOwner(pid: number, self: number, probe: ProcessProbe = realProbe): PidOwner {
  if (pid === self) return 'self';
  const state = processState(pid, probe);
  if (state !== 'alive') return state;
  return looksLikePatienced(pid, probe) === 'no' ? 'reused' : 'running';
}

const STALE_WHY: Record<Exclude<PidOwner, 'running'>, string> = {
  dead: 'the process is gone',
  zombie: 'the process has exited (zombie)',
  reused: 'the PID now belongs to another program',
  self: 'it holds this process’s own PID',
};

export function acquirePidFile(file: string, deps: PidFileDeps): AcquireResult {
  const fs = deps.fs ?? nodeFs;
  const probe = deps.probe ?? realProbe;
  const fail = (what: string, err: unknown): AcquireResult => ({
    ok: false,
    runningPid: undefined,
    message: `cannot ${what} pid file ${file}: ${(err as Error).message}; choose another pid_file (-pid-file) or fix the directory's permissions`,
  });
  const tmp = `${file}.${deps.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, `${deps.pid}\n`, { flag: 'wx', mode: 0o644 });
    // Readable by everyone whatever the umask (the service runs with 027): -status reads it.
    fs.chmodSync(tmp, 0o644);
  } catch (err) {
    return fail('create', err);
  }
  let replaced: { text: string; why: string } | undefined;
  try {
    // A stale file removed here may be replaced by a racing start before our link: try again.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.linkSync(tmp, file);
        return { ok: true, release: releaser(file, deps.pid, fs), replaced };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return fail('create', err);
      }
      const current = readPidFile(file, fs);
      if (current.kind === 'missing') continue;
      let why = 'it does not hold a PID';
      if (current.kind === 'pid') {
        const owner = pidOwner(current.pid, deps.pid, probe);
        if (owner === 'running') {
          return {
            ok: false,
            runningPid: current.pid,
            message: `already running as pid ${current.pid} (pid file ${file}); stop it with 'patienced -stop', or choose another pid_file (-pid-file)`,
          };
        }
        why = STALE_WHY[owner];
      }
      // Remove it only if it is still the file we judged, not one a racing start just made.
      if (readText(file, fs) === current.text) {
        try {
          fs.unlinkSync(file);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return fail('replace the stale', err);
        }
        replaced = { text: current.text.trim(), why };
      }
    }
    return fail('create', new Error('another process keeps creating it'));
  } catch (err) {
    return fail('read', err);
  } finally {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
}

function readText(file: string, fs: Pick<typeof nodeFs, 'readFileSync'>): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function releaser(file: string, pid: number, fs: Pick<typeof nodeFs, 'readFileSync' | 'unlinkSync'>): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const current = readPidFile(file, fs);
    if (current.kind !== 'pid' || current.pid !== pid) return;
    try {
      fs.unlinkSync(file);
    } catch {
      // already gone
    }
  };
}
