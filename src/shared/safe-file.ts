// Files read or appended to where another user may have been first: the daemon's pid file
// and log file in shared directories (/tmp), and the CLI's code cache. Another local user
// may have put a symlink, a FIFO, a device or their own file at that name before we got
// there. So a name is opened without following a symlink
// (O_NOFOLLOW) and without blocking on a FIFO (O_NONBLOCK), the open descriptor is checked
// with fstat (a regular file, owned by us or root, one link), and a read is bounded. The
// callers say what they refuse and why, never what such a file holds.
// Named imports: a default or namespace import of a built-in costs a copy of all its
// properties, on every start of the CLI (whose launcher uses this file).
import { closeSync, constants, fchmodSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

const { O_RDONLY, O_WRONLY, O_APPEND, O_CREAT, O_NOFOLLOW, O_NONBLOCK } = constants;

export interface SafeFs {
  openSync: typeof openSync;
  fstatSync: typeof fstatSync;
  readSync: typeof readSync;
  closeSync: typeof closeSync;
  fchmodSync: typeof fchmodSync;
}
const nodeFs: SafeFs = { openSync, fstatSync, readSync, closeSync, fchmodSync };

/** Why a name was refused, in words that fit after "pid_file X " or "log_file X ". */
export type Refusal = string;

export type SmallRead =
  { kind: 'missing' } | { kind: 'refused'; why: Refusal } | { kind: 'text'; text: string; uid: number };

export interface OwnerRule {
  /** The uid this process runs as; files owned by it or by root are trusted. */
  uid: number;
  /** Also trusted: the owner of a directory nobody else may write, for files in it. */
  dirOwner?: number | undefined;
}

export const realOwner = (): OwnerRule => ({ uid: process.getuid?.() ?? 0 });

/** Does a stat belong to something we may trust: a regular file owned by us or root. */
export function refusalFor(st: Stats, owner: OwnerRule): Refusal | undefined {
  if (!st.isFile()) return `is not a regular file (it is ${kindOf(st)})`;
  if (st.uid !== owner.uid && st.uid !== 0 && st.uid !== owner.dirOwner) {
    return `is owned by uid ${st.uid}, neither this user (uid ${owner.uid}) nor root nor the owner of its directory`;
  }
  return undefined;
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a plain file';
}

function openRefusal(err: NodeJS.ErrnoException): Refusal | undefined {
  // Linux says ELOOP for O_NOFOLLOW on a symlink; some BSDs say EMLINK.
  if (err.code === 'ELOOP' || err.code === 'EMLINK') return 'is a symbolic link';
  if (err.code === 'ENXIO') return 'is not a regular file (it is a FIFO or a socket)';
  return undefined;
}

/** Reads at most maxBytes of a small file, or says why it was not read. */
export function readSmallFile(
  file: string,
  maxBytes: number,
  owner: OwnerRule = realOwner(),
  fs: SafeFs = nodeFs,
): SmallRead {
  const r = readSmallBytes(file, maxBytes, owner, fs);
  return r.kind === 'bytes' ? { kind: 'text', text: r.bytes.toString('utf8'), uid: r.uid } : r;
}

export type SmallBytes =
  { kind: 'missing' } | { kind: 'refused'; why: Refusal } | { kind: 'bytes'; bytes: Buffer; uid: number };

/** readSmallFile's bytes, as they are. */
export function readSmallBytes(
  file: string,
  maxBytes: number,
  owner: OwnerRule = realOwner(),
  fs: SafeFs = nodeFs,
): SmallBytes {
  let fd: number;
  try {
    fd = fs.openSync(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return { kind: 'missing' };
    const why = openRefusal(e);
    if (why) return { kind: 'refused', why };
    throw err;
  }
  try {
    const st = fs.fstatSync(fd);
    const why = refusalFor(st, owner);
    if (why) return { kind: 'refused', why };
    // Sized by fstat, grown if the file grows while read, never past maxBytes + 1; only the
    // bytes read are returned, so the unzeroed rest never leaves.
    let buf = Buffer.allocUnsafe(Math.min(maxBytes, st.size) + 1);
    let got = 0;
    for (;;) {
      if (got === buf.length) {
        if (got > maxBytes) break;
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, got * 2));
        buf.copy(bigger, 0, 0, got);
        buf = bigger;
      }
      const n = fs.readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    if (got > maxBytes) return { kind: 'refused', why: `is larger than ${maxBytes} bytes` };
    return { kind: 'bytes', bytes: buf.subarray(0, got), uid: st.uid };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Opens a file for appending without following a symlink, creating it with `mode` when it
 * is missing; an existing file must pass refusalFor. World bits are taken off a file we own
 * (a log says which commands ran). Throws an Error whose message fits after the file name.
 */
export function openAppendSafely(
  file: string,
  mode: number,
  owner: OwnerRule = realOwner(),
  fs: SafeFs = nodeFs,
): number {
  let fd: number;
  try {
    fd = fs.openSync(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK, mode);
  } catch (err) {
    const why = openRefusal(err as NodeJS.ErrnoException);
    if (why) throw new Error(why);
    throw err;
  }
  try {
    const st = fs.fstatSync(fd);
    // A hard link to another file of ours or root's (say /etc/shadow, where the kernel
    // does not forbid it) must not be appended to either.
    const why =
      refusalFor(st, owner) ??
      (st.nlink > 1 ? `has ${st.nlink} hard links (it is another file's second name)` : undefined);
    if (why) throw new Error(why);
    if (st.uid === owner.uid && (st.mode & 0o007) !== 0) fs.fchmodSync(fd, st.mode & 0o770);
    return fd;
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/**
 * The rule for a file in `dir`: besides us and root, the directory's owner, when only it
 * may write there (the service's /run/retry-daemon, owned by the service user): nobody
 * else can have put a file there. A shared directory (/tmp) adds nobody.
 */
export function ownerRuleIn(
  dir: string,
  base: OwnerRule = realOwner(),
  stat: (p: string) => Stats = statSync,
): OwnerRule {
  try {
    const st = stat(dir);
    return st.isDirectory() && (st.mode & 0o022) === 0 ? { ...base, dirOwner: st.uid } : base;
  } catch {
    return base;
  }
}
