// Is the data file at its path still the one SQLite has open? SQLite keeps writing to an
// open file after it is deleted or renamed, and every record written then is gone at the
// next start. A stat of the path (and of its -wal, which holds the commits not yet copied
// back) compared with what it was at open costs a few microseconds, so it runs per batch.
import fs from 'node:fs';

interface Identity {
  dev: number;
  ino: number;
  /** 0 where the file system keeps none. A freed inode number is soon reused, the birth time is not. */
  birthtimeMs?: number;
}

export type StatPath = (path: string) => Identity | undefined;

const statPath: StatPath = (path) => {
  try {
    // No exception for a missing file: this runs once per batch on the ingest path.
    const st = fs.statSync(path, { throwIfNoEntry: false });
    return st === undefined ? undefined : { dev: st.dev, ino: st.ino, birthtimeMs: st.birthtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw err;
  }
};

export class FileIdentity {
  private readonly main: Identity | undefined;
  private wal: Identity | undefined;

  /** Call right after the database is opened and its -wal exists. */
  constructor(
    readonly path: string,
    private readonly stat: StatPath = statPath,
  ) {
    this.main = stat(path);
    this.wal = stat(`${path}-wal`);
  }

  /** Why the path no longer leads to the open file, or undefined while it does. */
  problem(): string | undefined {
    const now = this.stat(this.path);
    if (this.main !== undefined && now === undefined)
      return `data_file ${this.path} was deleted or renamed while patienced ran`;
    if (this.main !== undefined && !same(this.main, now))
      return `data_file ${this.path} was replaced by another file while patienced ran`;
    const wal = this.stat(`${this.path}-wal`);
    // SQLite makes the -wal at the first write if it was not there at open.
    if (this.wal === undefined) this.wal = wal;
    else if (wal === undefined) return `${this.path}-wal was deleted while patienced ran (it holds the latest records)`;
    else if (!same(this.wal, wal)) return `${this.path}-wal was replaced by another file while patienced ran`;
    return undefined;
  }
}

function same(a: Identity, b: Identity | undefined): boolean {
  if (b === undefined || a.dev !== b.dev || a.ino !== b.ino) return false;
  return !a.birthtimeMs || !b.birthtimeMs || a.birthtimeMs === b.birthtimeMs;
}
