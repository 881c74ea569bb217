// The pid file: one running patienced per pid file. It is created atomically (a complete
// temp file hard-linked into place, so nobody ever reads it half-written, and link fails
// when the name exists), refused while a live patienced holds it, replaced when stale
// (dead, zombie, or a PID reused by another program), and removed on exit.
//
// It holds "PID\nTOKEN\n": the token is this instance's, and the daemon says it in its
// status answer, so -stop can tell that the process it would signal is the one that wrote
// the file. The file often sits in /tmp, so it is read through safe-file.ts: never through
// a symlink, never a FIFO or device, only when owned by this user or root, at most
// MAX_PID_FILE_BYTES, and what it holds is never logged nor printed.
import { randomBytes } from 'node:crypto';
import nodeFs from 'node:fs';
import path from 'node:path';
import { looksLikePatienced, processState, realProbe, type ProcessProbe } from './process-check.ts';
import { readSmallFile, realOwner, type OwnerRule } from '../shared/safe-file.ts';

/** "PID\nTOKEN\n" is 44 bytes at most; anything longer is not ours. */
export const MAX_PID_FILE_BYTES = 64;

export type PidFileContent =
  | { kind: 'missing' }
  /** Not read: a symlink, FIFO, device, another user's file, or too large. */
  | { kind: 'refused'; why: string }
  | { kind: 'invalid' }
  | { kind: 'pid'; pid: number; token: string | undefined };

export type PidOwner = 'running' | 'dead' | 'zombie' | 'reused' | 'self';

export type AcquireResult =
  | {
      ok: true;
      /** Removes the pid file if it still holds this process's PID and token. Idempotent. */
      release: () => void;
      /** This instance's token, also written into the pid file. */
      token: string;
      /** What a stale pid file named before it was replaced (never its raw content). */
      replaced: { pid: number | undefined; why: string } | undefined;
    }
  | { ok: false; message: string; runningPid: number | undefined };

export interface PidFileDeps {
  pid: number;
  probe?: ProcessProbe;
  owner?: OwnerRule;
  token?: string;
  fs?: Pick<typeof nodeFs, 'writeFileSync' | 'chmodSync' | 'linkSync' | 'unlinkSync' | 'mkdirSync'>;
}

const PID_FILE = /^(\d{1,10})\n(?:([0-9a-f]{32})\n)?$/;

/** What a pid file says, read safely (see the top of this file). */
export function readPidFile(file: string, owner: OwnerRule = realOwner()): PidFileContent {
  const got = readRaw(file, owner);
  return got.kind === 'text' ? parse(got.text) : got;
}

type Raw = { kind: 'missing' } | { kind: 'refused'; why: string } | { kind: 'text'; text: string };

function readRaw(file: string, owner: OwnerRule): Raw {
  const got = readSmallFile(file, MAX_PID_FILE_BYTES, owner);
  return got.kind === 'text' ? { kind: 'text', text: got.text } : got;
}

function parse(text: string): PidFileContent {
  // Older versions wrote "PID\n" only, hand-written files may lack the newline.
  const m = PID_FILE.exec(text.endsWith('\n') ? text : `${text}\n`) ?? /^\s*(\d{1,10})\s*$/.exec(text);
  const pid = m ? Number(m[1]) : NaN;
  return pid > 0 && m ? { kind: 'pid', pid, token: m[2] } : { kind: 'invalid' };
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
  const owner = deps.owner ?? realOwner();
  const token = deps.token ?? randomBytes(16).toString('hex');
  const fail = (what: string, err: unknown): AcquireResult => cannot(file, what, err);
  const ours = `${deps.pid}\n${token}\n`;
  const tmp = `${file}.${deps.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeTemp(fs, file, tmp, ours);
  } catch (err) {
    return fail('create', err);
  }
  let replaced: { pid: number | undefined; why: string } | undefined;
  try {
    // A stale file removed here may be replaced by a racing start before our link: try again.
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        fs.linkSync(tmp, file);
        return { ok: true, release: releaser(file, ours, owner, fs), token, replaced };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return fail('create', err);
      }
      const raw = readRaw(file, owner);
      if (raw.kind === 'missing') continue;
      if (raw.kind === 'refused') return refused(file, raw.why);
      const current = parse(raw.text);
      const why = staleBecause(current, deps.pid, probe);
      if (why === undefined) return alreadyRunning(file, current);
      // Remove it only if it is still the file we judged, not one a racing start just made.
      const again = readRaw(file, owner);
      if (again.kind === 'text' && again.text === raw.text) {
        try {
          fs.unlinkSync(file);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return fail('replace the stale', err);
        }
        replaced = { pid: current.kind === 'pid' ? current.pid : undefined, why };
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

function cannot(file: string, what: string, err: unknown): AcquireResult {
  return {
    ok: false,
    runningPid: undefined,
    message: `cannot ${what} pid file ${file}: ${(err as Error).message}; choose another pid_file (-pid-file) or fix the directory's permissions`,
  };
}

function refused(file: string, why: string): AcquireResult {
  return {
    ok: false,
    runningPid: undefined,
    message:
      `pid_file ${file} ${why}, so it was neither read nor replaced; ` +
      `remove it if it is not another program's, or choose a pid_file in a directory only this user can write (-pid-file)`,
  };
}

/** Our pid file's content at a temp name beside it, readable by everyone. */
function writeTemp(fs: NonNullable<PidFileDeps['fs']>, file: string, tmp: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // 'wx' is O_CREAT|O_EXCL: it never follows a symlink someone put at the temp name.
  fs.writeFileSync(tmp, content, { flag: 'wx', mode: 0o644 });
  // Readable by everyone whatever the umask (the service runs with 027): -status reads it.
  fs.chmodSync(tmp, 0o644);
}

/** Why an existing pid file is stale, or undefined while the PID it names is a live patienced. */
function staleBecause(current: PidFileContent, ownPid: number, probe: ProcessProbe): string | undefined {
  if (current.kind !== 'pid') return 'it does not hold a PID';
  const who = pidOwner(current.pid, ownPid, probe);
  return who === 'running' ? undefined : STALE_WHY[who];
}

/** The refusal while a live patienced holds the pid file (staleBecause said undefined). */
function alreadyRunning(file: string, current: PidFileContent): AcquireResult {
  const pid = current.kind === 'pid' ? current.pid : undefined;
  return {
    ok: false,
    runningPid: pid,
    message: `already running as pid ${pid} (pid file ${file}); stop it with 'patienced -stop', or choose another pid_file (-pid-file)`,
  };
}

function releaser(file: string, ours: string, owner: OwnerRule, fs: Pick<typeof nodeFs, 'unlinkSync'>): () => void {
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const current = readRaw(file, owner);
    if (current.kind !== 'text' || current.text !== ours) return;
    try {
      fs.unlinkSync(file);
    } catch {
      // already gone
    }
  };
}
