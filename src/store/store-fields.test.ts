// Every optional field of src/shared/record-fields.ts is stored and read back by both
// stores, present or absent, without naming one: a field added to the list is covered here.
// And a data file written before the list grew opens, gains the columns, and keeps its runs.
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTRA_FIELDS, setExtra, type ExtraValueOf, type FieldSpec } from '../shared/record-fields.ts';
import type { RunRecord } from '../shared/run-record.ts';
import Database from 'better-sqlite3';
import { openStore } from './index.ts';
import { HOUR, MAKE, NO_LIMITS, T0, dataset, eachStore, run } from './test-support.ts';

const FIELDS: readonly FieldSpec[] = EXTRA_FIELDS;

/** A valid value of the field's kind, at an edge of its bounds. */
function sample(f: FieldSpec): ExtraValueOf {
  switch (f.kind) {
    case 'text':
      return `${f.name} ✓ "q"`.slice(0, f.max);
    case 'int':
    case 'number':
      return f.max ?? 1;
    case 'labels':
      return { team: 'infra', 'ü/x': 'naïve' };
    default:
      throw new Error(`${f.name}: not an optional field`);
  }
}

function withEvery(r: RunRecord): RunRecord {
  for (const f of EXTRA_FIELDS) setExtra(r, f.name, sample(f));
  return r;
}

eachStore('every optional field round-trips, present and absent', (h) => {
  const full = withEvery(run(MAKE, 'succeeded', [[1, true]], T0));
  const bare = run(MAKE, 'failed', [[2, false]], T0 + 1);
  const lowest = run(MAKE, 'succeeded', [[1, true]], T0 + 2);
  for (const f of FIELDS) if (f.kind === 'int' || f.kind === 'number') setExtra(lowest, f.name, f.min ?? 0);
  const store = h.open();
  store.append([full, bare, lowest], T0 + 5);
  const expect = [
    { id: 1, receivedAtMs: T0 + 5, record: full },
    { id: 2, receivedAtMs: T0 + 5, record: bare },
    { id: 3, receivedAtMs: T0 + 5, record: lowest },
  ];
  assert.deepEqual(store.recent({ limit: 10 }).runs, [...expect].reverse());
  assert.deepEqual([...store.iterate()], expect);
  if (h.kind === 'sqlite') {
    store.close();
    assert.deepEqual([...h.open().iterate()], expect);
  }
});

eachStore(
  'a data file from schema 2 (before record-fields.ts) gains every field column and keeps its runs',
  (h) => {
    const file = h.dataFile ?? '';
    // Written by the patienced of schema version 2: runs with and without strategy..labels.
    copyFileSync(join(import.meta.dirname, 'fixtures', 'runs-schema-2.db'), file);
    const columnsOf = (): string[] => {
      const db = new Database(file, { readonly: true });
      try {
        return db.prepare<[], string>("SELECT name FROM pragma_table_info('runs')").pluck().all();
      } finally {
        db.close();
      }
    };
    const missing = EXTRA_FIELDS.map((f) => f.name).filter((n) => !columnsOf().includes(n));

    const store = h.open();
    assert.deepEqual(
      EXTRA_FIELDS.map((f) => f.name).filter((n) => !columnsOf().includes(n)),
      [],
      `added ${missing.join(', ') || 'nothing'}`,
    );
    const old = [...store.iterate()];
    assert.deepEqual(
      old.map((r) => [r.id, r.record.command, r.record.final_status, r.record.host, r.record.labels]),
      [
        [1, 'make test', 'succeeded', 'build-01', { team: 'infra' }],
        [2, 'curl -fsS https://example.com', 'failed', undefined, undefined],
      ],
    );
    // The fields the file had no column for are absent from its runs.
    for (const r of old) for (const name of missing) assert.equal(name in r.record, false, name);
    const stats = store.stats(T0, T0 + HOUR);
    assert.deepEqual([stats.totalRuns, stats.rescuedRuns, store.bytes() > 0], [2, 1, true]);
    const full = withEvery(dataset()[0] as RunRecord);
    const [added] = store.append([full], T0 + 2 * HOUR);
    store.close();
    const again = h.open();
    assert.deepEqual([...again.iterate()], [...old, added]);
    assert.equal(again.count(), 3);
  },
  ['sqlite'],
);

eachStore('an absent field stays absent: no column default leaks in', (h) => {
  const store = h.open(NO_LIMITS);
  store.append([run(MAKE, 'succeeded', [[1, true]], T0)], T0);
  const [got] = store.recent({ limit: 1 }).runs;
  for (const f of EXTRA_FIELDS) assert.equal(f.name in (got?.record ?? {}), false, f.name);
});
