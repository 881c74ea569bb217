// Telling storage faults (a full disk, an I/O error, the data file gone) apart from bugs,
// and saying them in one short line that names no file content.

/** The data file at the configured path is no longer the file the daemon has open. */
export class DataFileMoved extends Error {
  override readonly name = 'DataFileMoved';
  readonly code = 'DATA_FILE_MOVED';
}

/** SQLite's result codes (SQLITE_FULL, SQLITE_IOERR_*, ...) and ours. */
const STORAGE_CODE = /^(SQLITE_[A-Z_]+|DATA_FILE_MOVED)$/;
/** What a stat of the data file can meet; not network codes such as ECONNRESET. */
const FILE_ERRNO = new Set([
  'EIO',
  'ENOSPC',
  'EDQUOT',
  'EROFS',
  'EACCES',
  'EPERM',
  'ENOTDIR',
  'ELOOP',
  'ENXIO',
  'ESTALE',
]);

export function isStorageError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (STORAGE_CODE.test(code) || FILE_ERRNO.has(code));
}

/** "database or disk is full (SQLITE_FULL)": the message and the code, on one line. */
export function describeStorageError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err instanceof DataFileMoved) return err.message;
  const code = (err as { code?: unknown }).code;
  const message = err.message.split('\n')[0] ?? '';
  return typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message;
}
