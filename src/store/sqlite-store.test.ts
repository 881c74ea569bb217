// What only the SQLite store promises: a reopened file has every record, id and stat,
// ids never go back, and the schema is versioned.
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from './index.ts';
import { SCHEMA_VERSION } from './sqlite-schema.ts';
import { CURL, HOUR, MAKE, NO_LIMITS, T0, dataset, eachStore, ids, run } from './test-support.ts';
// The store's figures as the API shows them (src/http/wire/stats.ts), so that these tests also pin the wire values.
import { toApiStats } from '../http/wire/stats.ts';

const sqliteOnly = (title: string, body: Parameters<typeof eachStore>[1]): void => eachStore(title, body, ['sqlite']);

sqliteOnly('reopening restores records, ids and stats', (h) => {
  const first = h.open();
  first.append(dataset(), T0 + 1);
  const recent = first.recent({ limit: 10 }).runs;
  const stats = toApiStats(first.stats(T0, T0 + 3 * HOUR));
  const partial = toApiStats(first.stats(T0 + 15 * 60_000, T0 + 2 * HOUR + 35 * 60_000));
  first.close();

  const second = h.open();
  assert.equal(second.count(), 5);
  assert.deepEqual(second.recent({ limit: 10 }).runs, recent);
  assert.deepEqual([...second.iterate()], [...recent].reverse());
  assert.deepEqual(toApiStats(second.stats(T0, T0 + 3 * HOUR)), stats);
  assert.deepEqual(toApiStats(second.stats(T0 + 15 * 60_000, T0 + 2 * HOUR + 35 * 60_000)), partial);
  assert.deepEqual(
    second.append([run(MAKE, 'failed', [[3, false]], T0 + 30)], T0).map((r) => r.id),
    [6],
  );
  assert.equal(toApiStats(second.stats(T0, T0 + 3 * HOUR)).total_runs, 6);
});

sqliteOnly('ids keep increasing after every record was removed', (h) => {
  const first = h.open({ maxRecords: 10, maxAgeMs: HOUR }, T0);
  first.append(dataset().slice(0, 3), T0);
  assert.equal(first.removeExpired(T0 + 10 * HOUR), 3);
  first.close();
  const second = h.open({ maxRecords: 10, maxAgeMs: HOUR }, T0 + 10 * HOUR);
  assert.equal(second.count(), 0);
  assert.deepEqual(
    second.append([run(MAKE, 'succeeded', [[1, true]], T0 + 10 * HOUR)], T0).map((r) => r.id),
    [4],
  );
});

sqliteOnly('reopening with tighter limits applies them at once', (h) => {
  const first = h.open();
  first.append(dataset(), T0);
  first.close();
  const second = h.open({ maxRecords: 4, maxAgeMs: NO_LIMITS.maxAgeMs });
  assert.deepEqual(ids(second, { limit: 10 }), [5, 4, 3, 2]);
  assert.equal(toApiStats(second.stats(T0, T0 + 3 * HOUR)).total_runs, 4);
  second.close();
  // At 19:00 with a 2 h limit, runs before 17:00 (ids 2 and 4) are expired on open.
  const third = h.open({ maxRecords: 4, maxAgeMs: 2 * HOUR }, T0 + 3 * HOUR);
  assert.deepEqual(ids(third, { limit: 10 }), [5, 3]);
  assert.equal(toApiStats(third.stats(T0, T0 + 3 * HOUR)).total_runs, 2);
});

sqliteOnly('the file is in WAL mode with a schema version', (h) => {
  h.open().close();
  const db = new Database(h.dataFile ?? '');
  try {
    assert.equal(db.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'runs'")
      .pluck()
      .all();
    assert.ok(indexes.includes('runs_ts'));
  } finally {
    db.close();
  }
});

sqliteOnly(
  'the runs of a reopened schema 2 file are in commands() and a command filter, and new runs join them',
  (h) => {
    const file = h.dataFile ?? '';
    // Written by the patienced of schema version 2: 'make test' (rescued, 1.5 s) and a failed curl (3 s).
    copyFileSync(join(import.meta.dirname, 'fixtures', 'runs-schema-2.db'), file);
    const store = h.open();
    const old = [...store.iterate()];
    const start = old[0]?.record.timestampMs ?? NaN;
    const commands = store.commands(start, start + HOUR, 10).commands;
    assert.deepEqual(
      commands.map((c) => [c.command, c.count, c.rescuedRuns, c.averageAttempts, c.durationSeconds.max]),
      [
        ['curl -fsS https://example.com', 1, 0, 1, 3],
        ['make test', 1, 1, 2, 1.5],
      ],
    );
    assert.deepEqual(ids(store, { limit: 10, command: 'make' }), [1]);
    store.append([run(CURL, 'failed', [[2, false]], start + 5), run(MAKE, 'succeeded', [[1, true]], start + 6)], start);
    assert.deepEqual(ids(store, { limit: 10, command: 'curl' }), [3, 2]);
    assert.deepEqual(
      store.commands(start, start + HOUR, 10).commands.map((c) => [c.command, c.count]),
      [
        [CURL, 1],
        ['curl -fsS https://example.com', 1],
        [MAKE, 1],
        ['make test', 1],
      ],
    );
  },
);

sqliteOnly('a file from a newer schema is refused, naming the file', (h) => {
  const file = h.dataFile ?? '';
  const db = new Database(file);
  db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  db.close();
  assert.throws(
    () => openStore({ dataFile: file, limits: NO_LIMITS }),
    (err: Error) => {
      assert.match(err.message, new RegExp(`data_file ${file}`));
      assert.match(err.message, /newer/);
      return true;
    },
  );
});

sqliteOnly('a file that is not a database is refused, naming the file', (h) => {
  const file = h.dataFile ?? '';
  writeFileSync(file, 'this is not sqlite, '.repeat(500));
  assert.throws(() => openStore({ dataFile: file, limits: NO_LIMITS }), new RegExp(`data_file ${file}`));
});

eachStore(
  'limits are checked up front and named',
  () => {
    assert.throws(() => openStore({ limits: { maxRecords: 0, maxAgeMs: HOUR } }), /maxRecords/);
    assert.throws(() => openStore({ limits: { maxRecords: 1.5, maxAgeMs: HOUR } }), /maxRecords/);
    assert.throws(() => openStore({ limits: { maxRecords: 10, maxAgeMs: 0 } }), /maxAgeMs/);
    assert.throws(() => openStore({ limits: { maxRecords: 10, maxAgeMs: Number.NaN } }), /maxAgeMs/);
  },
  ['memory'],
);
