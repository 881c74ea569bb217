// Opens the data file and brings its schema up to date. `user_version` records which
// migrations have run, so a later release appends to MIGRATIONS and old files follow.
// The optional fields' columns follow src/shared/record-fields.ts instead: one missing
// from the file is added on open (addFieldColumns).

import Database from 'better-sqlite3';
import { describeStorageError } from './storage-error.ts';
import { EXTRA_FIELDS } from '../shared/record-fields.ts';
import { EXTRA_COLUMN_TYPES } from './sqlite-codec.ts';

const MIGRATIONS: readonly string[] = [
  // 1: runs, in id order (AUTOINCREMENT: ids never go back, even after every row is
  // deleted), with indexes for run-time ranges (stats, expiry, `since`) and for the
  // status filter of recent(). A command filter is a substring match that no index
  // serves; recent() stops at its limit instead.
  `CREATE TABLE runs (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     ts_ms REAL NOT NULL,
     received_ms REAL NOT NULL,
     command TEXT NOT NULL,
     command_hash TEXT NOT NULL,
     succeeded INTEGER NOT NULL,
     duration_s REAL NOT NULL,
     total_attempts INTEGER NOT NULL,
     successful_attempts INTEGER NOT NULL,
     failed_attempts INTEGER NOT NULL,
     attempts TEXT NOT NULL,
     strategy TEXT,
     exit_code INTEGER,
     reason TEXT,
     host TEXT,
     labels TEXT
   );
   CREATE INDEX runs_ts ON runs (ts_ms);
   CREATE INDEX runs_status ON runs (succeeded, id);`,
  // 2: the host-wide rate-limit ledger (docs/coordination.md): one row per grant, kept
  // until every window that may count it has passed (expires_ms), so that a restart
  // cannot be used to burst past a limit.
  `CREATE TABLE rate_grants (
     resource_id TEXT NOT NULL,
     at_ms REAL NOT NULL,
     rate_limit INTEGER NOT NULL,
     window_ms REAL NOT NULL,
     expires_ms REAL NOT NULL
   );
   CREATE INDEX rate_grants_expires ON rate_grants (expires_ms);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

const message = describeStorageError;

/** Opens (creating if needed) and migrates; every error names the file. */
export function openDatabase(path: string): Database.Database {
  let db: Database.Database;
  try {
    db = new Database(path);
  } catch (err) {
    throw new Error(`data_file ${path}: cannot open it: ${message(err)}${hintFor(err)}`);
  }
  try {
    // WAL plus synchronous=FULL: a commit is fsynced before it returns, so a record
    // answered "ok" survives kill -9 and power loss, and readers never block the writer.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // better-sqlite3 builds with a 16 MB page cache; SQLite's stock 2 MB keeps RSS low,
    // and the aggregates spare stats() from reading pages at all.
    db.pragma('cache_size = -2000');
    // Without a limit the -wal file keeps its largest size after a checkpoint.
    db.pragma('journal_size_limit = 67108864');
    migrate(db, path);
  } catch (err) {
    db.close();
    throw new Error(`data_file ${path}: ${message(err)}${hintFor(err)}`);
  }
  try {
    // SQLite opens a file it may not write read-only without a word, and every record
    // would then be refused: find out now. The write is rolled back before it reaches the
    // disk (a write lock alone is not enough: in WAL mode it only needs the -shm).
    const version = Number(db.pragma('user_version', { simple: true }));
    db.exec('BEGIN IMMEDIATE');
    try {
      db.pragma(`user_version = ${version}`);
    } finally {
      db.exec('ROLLBACK');
    }
  } catch (err) {
    db.close();
    throw new Error(`data_file ${path}: cannot be written: ${message(err)}; ${WRITABLE_HINT}`);
  }
  return db;
}

const WRITABLE_HINT =
  'patienced must be able to write the file and to create files beside it (-wal, -shm): make both the file and ' +
  'its directory writable by the user patienced runs as, or choose another data_file (-data-file)';

/** The fix for errors that come from permissions, or nothing. */
function hintFor(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^SQLITE_(CANTOPEN|READONLY|PERM|AUTH)/.test(code) ? `; ${WRITABLE_HINT}` : '';
}

function migrate(db: Database.Database, path: string): void {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > SCHEMA_VERSION) {
    throw new Error(
      `schema version ${version} is newer than this patienced understands (${SCHEMA_VERSION}); ` +
        `upgrade patienced or move ${path} aside`,
    );
  }
  for (let v = version; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] ?? '');
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  db.transaction(() => addFieldColumns(db))();
}

/**
 * A nullable column for each optional field the file lacks (one added to the list after the
 * file was written). ADD COLUMN only changes the schema: no row is rewritten, and the
 * old rows read the field as absent. An older patienced ignores the extra column.
 */
function addFieldColumns(db: Database.Database): void {
  const have = new Set(db.prepare<[], string>("SELECT name FROM pragma_table_info('runs')").pluck().all());
  for (const f of EXTRA_FIELDS) {
    if (have.has(f.name)) continue;
    const type = EXTRA_COLUMN_TYPES[f.kind];
    if (!/^[a-z_]+$/.test(f.name) || type === undefined) throw new Error(`no column for the field ${f.name}`);
    db.exec(`ALTER TABLE runs ADD COLUMN ${f.name} ${type}`);
  }
}
