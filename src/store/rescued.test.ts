// isRescued and RESCUED_SQL are one rule: the same answer for every case, the SQL side
// run by real SQLite over the real `runs` table.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRescued, RESCUED_SQL } from './rescued.ts';
import { openDatabase } from './sqlite-schema.ts';

/** succeeded, failed_attempts, rescued? Old data files may hold negative or huge counts. */
const CASES: Array<[succeeded: boolean, failed: number, rescued: boolean]> = [
  [true, 0, false],
  [true, 1, true],
  [true, 2, true],
  [true, 1000, true],
  [true, 1e300, true],
  [true, -1, false],
  [false, 0, false],
  [false, 1, false],
  [false, 1000, false],
  [false, -5, false],
];

test('isRescued: succeeded after at least one failed attempt', () => {
  for (const [succeeded, failed, rescued] of CASES) {
    assert.equal(isRescued(succeeded, failed), rescued, `succeeded=${succeeded} failed_attempts=${failed}`);
  }
});

test('RESCUED_SQL agrees with isRescued on every case, in SQLite over the runs table', () => {
  const dir = mkdtempSync(join(tmpdir(), 'patience-rescued-'));
  const db = openDatabase(join(dir, 'runs.db'));
  try {
    const insert = db.prepare(
      `INSERT INTO runs (ts_ms, received_ms, command, command_hash, succeeded, duration_s, total_attempts,
         successful_attempts, failed_attempts, attempts) VALUES (0, 0, 'c', 'h', ?, 1, 1, 0, ?, '[]')`,
    );
    for (const [succeeded, failed] of CASES) insert.run(succeeded ? 1 : 0, failed);
    const rows = db
      .prepare<[], [number, number, number]>(`SELECT succeeded, failed_attempts, ${RESCUED_SQL} FROM runs ORDER BY id`)
      .raw()
      .all();
    assert.equal(rows.length, CASES.length);
    rows.forEach(([succeeded, failed, sql], i) => {
      const js = isRescued(succeeded === 1, failed);
      assert.equal(sql === 1, js, `succeeded=${succeeded} failed_attempts=${failed}: SQL ${sql}, JS ${js}`);
      assert.equal(js, CASES[i]?.[2]);
    });
    const total = db.prepare<[], number>(`SELECT SUM(${RESCUED_SQL}) FROM runs`).pluck().get();
    assert.equal(total, CASES.filter(([, , r]) => r).length);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
