// The memory store's ids are branded (ids.ts): a row, a run id and a pool id cannot be
// passed for one another. The @ts-expect-error lines are the test: `npm run typecheck`
// fails if a brand disappears, since the error each one expects would then be missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poolId, rowIndex, runId, type PoolId, type RowIndex, type RunId } from './ids.ts';
import { RunColumns } from './memory-columns.ts';
import { StringPool } from './string-pool.ts';
import { CommandCounters } from './command-counters.ts';
import { T0, run } from './test-support.ts';

const record = run('curl', 'succeeded', [[0.5, true]], T0);

test('one kind of id for another, or a bare number, is a type error; the constructors cost nothing', () => {
  const pool = new StringPool();
  const rows = new RunColumns(pool);
  const row: RowIndex = rows.push(runId(7), 0, record);
  const id: RunId = rows.idAt(row);
  const command: PoolId = rows.commandIdAt(row);

  // Checked by tsc, never run (a wrong id would throw or corrupt at run time).
  const misuses = (): RunId => {
    // @ts-expect-error a run id is not a row
    rows.record(id);
    // @ts-expect-error a pool id is not a row
    rows.isLive(command);
    // @ts-expect-error a row is not a run id
    rows.push(row, 0, record);
    // @ts-expect-error a run id is not a pool id
    pool.get(id);
    // @ts-expect-error a row is not a pool id
    new CommandCounters().add(row, true, 1);
    // @ts-expect-error a bare number is none of them
    rows.rowAtOrAfter(7);
    // @ts-expect-error arithmetic loses the brand
    const next: RunId = id + 1;
    return next;
  };
  assert.equal(typeof misuses, 'function');

  // Every brand is still a number for reading, and the constructors are the identity.
  assert.equal(id + 0, 7);
  assert.equal(rowIndex(3), 3);
  assert.equal(runId(3), 3);
  assert.equal(poolId(3), 3);
  assert.equal(rows.record(row).command, 'curl');
  assert.equal(rows.rowAtOrAfter(id), row);
});
