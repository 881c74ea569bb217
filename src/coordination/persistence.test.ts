// The rate_grants table: written by append() with the records, read back on open, pruned,
// and added to a data file written by the previous schema version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../store/sqlite-store.ts';
import { NO_LIMITS, T0 } from '../store/test-support.ts';
import { SCHEMA_VERSION } from '../store/sqlite-schema.ts';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'patience-grants-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('grants come back after a reopen, expired ones are pruned, and they are not runs', () => {
  withDir((dir) => {
    const file = join(dir, 'd.db');
    const s1 = new SqliteStore(file, NO_LIMITS);
    s1.append([], T0, [
      { resourceId: 'keep', atMs: T0, rateLimit: 1, windowMs: 60_000, expiresMs: T0 + 60_000 },
      { resourceId: 'gone', atMs: T0, rateLimit: 1, windowMs: 1000, expiresMs: T0 + 1000 },
    ]);
    s1.close();
    const s2 = new SqliteStore(file, NO_LIMITS);
    try {
      assert.deepEqual(
        [...s2.grantsSince(T0 + 5000)],
        [{ resourceId: 'keep', atMs: T0, rateLimit: 1, windowMs: 60_000, expiresMs: T0 + 60_000 }],
      );
      assert.equal(s2.removeExpiredGrants(T0 + 5000), 1);
      assert.equal(s2.removeExpiredGrants(T0 + 5000), 0);
      assert.equal(s2.count(), 0, 'grants are not runs');
    } finally {
      s2.close();
    }
  });
});

test('a data file of schema version 1 gains the rate_grants table on open', () => {
  withDir((dir) => {
    const file = join(dir, 'old.db');
    const db = new Database(file);
    db.exec(`CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, ts_ms REAL NOT NULL, received_ms REAL NOT NULL,
      command TEXT NOT NULL, command_hash TEXT NOT NULL, succeeded INTEGER NOT NULL, duration_s REAL NOT NULL,
      total_attempts INTEGER NOT NULL, successful_attempts INTEGER NOT NULL, failed_attempts INTEGER NOT NULL,
      attempts TEXT NOT NULL, strategy TEXT, exit_code INTEGER, reason TEXT, host TEXT, labels TEXT);
      CREATE INDEX runs_ts ON runs (ts_ms); CREATE INDEX runs_status ON runs (succeeded, id);`);
    db.pragma('user_version = 1');
    db.close();
    const s = new SqliteStore(file, NO_LIMITS);
    try {
      s.append([], T0, [{ resourceId: 'r', atMs: T0, rateLimit: 1, windowMs: 1000, expiresMs: T0 + 1000 }]);
      assert.equal([...s.grantsSince(T0)].length, 1);
    } finally {
      s.close();
    }
    const check = new Database(file, { readonly: true });
    assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.equal(SCHEMA_VERSION, 2);
    check.close();
  });
});
