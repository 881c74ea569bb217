// max_store_bytes and the byte budget of recent(), for both stores: the same cost per
// record everywhere (record-cost.ts in JS, COST_SQL in SQLite), the oldest dropped first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRecord } from '../shared/run-record.ts';
import { ATTEMPT_COST, RECORD_BASE_COST, recordCost } from './record-cost.ts';
import { HOUR, MINUTE, NO_LIMITS, T0, eachStore, ids, run } from './test-support.ts';
// The store's figures as the API shows them (src/http/wire/stats.ts), so that these tests also pin the wire values.
import { toApiStats } from '../http/wire/stats.ts';

/** A record of a chosen size: its command pads it out. */
function sized(i: number, commandLength: number, extra: Partial<RunRecord> = {}): RunRecord {
  return run(
    `job-${i} ${'x'.repeat(commandLength)}`,
    i % 2 ? 'failed' : 'succeeded',
    [[1, i % 2 === 0]],
    T0 + i * MINUTE,
    extra,
  );
}

test('recordCost counts UTF-8 bytes of the strings, the labels as JSON, and each attempt', () => {
  const r = run(
    'é',
    'succeeded',
    [
      [1, true],
      [2, true],
    ],
    T0,
    { strategy: 'fixed', reason: '✓', host: 'h', labels: { a: 'b' } },
  );
  const expected = RECORD_BASE_COST + 2 + r.command_hash.length + 5 + 3 + 1 + '{"a":"b"}'.length + 2 * ATTEMPT_COST;
  assert.equal(recordCost(r), expected);
});

eachStore('bytes() is the sum of the records’ costs, as both stores compute it, and follows removals', (h) => {
  const records = [
    sized(0, 10, {
      labels: { team: 'ops', 'ü/x': 'naïve ☃' },
      reason: 'max retries reached',
      host: 'build-01',
      strategy: 'exponential',
    }),
    sized(1, 5000),
    run(
      'emoji 🎉 \u0001 "quoted"',
      'failed',
      [
        [0.5, false, 7],
        [0.25, false, 7],
        [0.1, false, 7],
      ],
      T0 + HOUR,
      { reason: 'tab\there' },
    ),
  ];
  const store = h.open();
  store.append(records, T0);
  const total = records.reduce((sum, r) => sum + recordCost(r), 0);
  assert.equal(store.bytes(), total);
  if (h.kind === 'sqlite') {
    // Reopened, the total comes from SQL over the columns: it must agree with the JS cost.
    store.close();
    assert.equal(h.open().bytes(), total);
  }
});

eachStore('maxBytes: the oldest records go first, stats forget them, the total stays within the budget', (h) => {
  const one = recordCost(sized(0, 1000));
  const store = h.open({ ...NO_LIMITS, maxBytes: one * 3 });
  store.append([sized(0, 1000), sized(1, 1000)], T0);
  assert.equal(store.count(), 2);
  store.append([sized(2, 1000), sized(3, 1000), sized(4, 1000)], T0);
  assert.equal(store.count(), 3);
  assert.deepEqual(ids(store, { limit: 10 }), [5, 4, 3]);
  assert.equal(store.bytes(), one * 3);
  assert.equal(toApiStats(store.stats(T0, T0 + HOUR)).total_runs, 3);
  // One large record pushes out as many small ones as its size needs.
  const big = sized(5, 2000);
  store.append([big], T0);
  assert.deepEqual(ids(store, { limit: 10 }), [6, 5]);
  assert.equal(store.bytes(), one + recordCost(big));
  assert.equal(toApiStats(store.stats(T0, T0 + HOUR)).total_runs, 2);
});

eachStore('maxBytes: the newest record stays even when it alone is over the budget', (h) => {
  const store = h.open({ ...NO_LIMITS, maxBytes: 1000 });
  store.append([sized(0, 10), sized(1, 5000)], T0);
  assert.deepEqual(ids(store, { limit: 10 }), [2]);
  assert.equal(store.count(), 1);
});

eachStore('maxBytes and maxRecords together: whichever binds first', (h) => {
  const one = recordCost(sized(0, 100));
  const store = h.open({ ...NO_LIMITS, maxRecords: 4, maxBytes: one * 10 });
  store.append(
    Array.from({ length: 8 }, (_, i) => sized(i, 100)),
    T0,
  );
  assert.deepEqual(ids(store, { limit: 10 }), [8, 7, 6, 5]);
  assert.equal(store.bytes(), one * 4);
});

eachStore('removeExpired takes the removed records out of bytes()', (h) => {
  const store = h.open({ maxRecords: 100, maxAgeMs: HOUR });
  store.append([sized(0, 100), run('new', 'succeeded', [[1, true]], T0 + 3 * HOUR)], T0);
  assert.equal(store.removeExpired(T0 + 3 * HOUR + 1), 1);
  assert.equal(store.bytes(), recordCost(run('new', 'succeeded', [[1, true]], T0 + 3 * HOUR)));
});

eachStore(
  'a data file reopened with a smaller maxBytes is cut down to it',
  (h) => {
    const first = h.open();
    first.append(
      Array.from({ length: 10 }, (_, i) => sized(i, 500)),
      T0,
    );
    first.close();
    const one = recordCost(sized(0, 500));
    const second = h.open({ ...NO_LIMITS, maxBytes: one * 4 });
    assert.deepEqual(ids(second, { limit: 20 }), [10, 9, 8, 7]);
    assert.equal(second.bytes(), one * 4);
    assert.equal(toApiStats(second.stats(T0, T0 + HOUR)).total_runs, 4);
  },
  ['sqlite'],
);

eachStore('recent(): maxBytes ends the list early and says so; the first record always comes', (h) => {
  const store = h.open();
  store.append(
    Array.from({ length: 6 }, (_, i) => sized(i, 1000)),
    T0,
  );
  const one = recordCost(sized(0, 1000));
  const cut = store.recent({ limit: 10, maxBytes: one * 2.5 });
  assert.deepEqual(
    cut.runs.map((r) => r.id),
    [6, 5],
  );
  assert.equal(cut.truncated, true);
  assert.equal(store.recent({ limit: 2, maxBytes: one * 2 }).truncated, false);
  assert.equal(store.recent({ limit: 10, maxBytes: one * 6 }).truncated, false);
  assert.deepEqual(
    store.recent({ limit: 10, maxBytes: 1 }).runs.map((r) => r.id),
    [6],
  );
  // Filters apply before the budget: only matching records count.
  assert.deepEqual(
    store.recent({ limit: 10, status: 'failed', maxBytes: one * 2 }).runs.map((r) => r.id),
    [6, 4],
  );
});
