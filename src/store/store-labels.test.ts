// recent()'s label filter, the same answers from both stores: a key with exactly its value,
// several keys together (AND), runs without labels, keys that mean something in a JSON path
// or in JSON text, and the label filter beside the others. The memory store tests a label
// set's JSON text; the SQLite store tests it in SQL, and with a command filter a page of the
// shadow's candidates at a time.
import assert from 'node:assert/strict';
import { CURL, HOUR, MAKE, MINUTE, PING, T0, eachStore, ids, run } from './test-support.ts';
import type { LabelMatch, RecentQuery, Store } from './types.ts';

/** key=value pairs as the filter takes them. */
const L = (...pairs: Array<[string, string]>): LabelMatch[] => pairs.map(([key, value]) => ({ key, value }));

/** Label sets whose keys a JSON path or JSON text would read differently than a plain key. */
const ODD: Record<string, string> = {
  'a.b': 'dot',
  '"x"': 'quoted',
  $: 'dollar',
  '$.env': 'path',
  'a[0]': 'bracket',
  'back\\slash': 'bs',
  'nul\u0000key': 'nul',
  '☃ 🙂': 'astral',
};

/** Ids 1..10 in arrival order, a minute apart. */
function labelled(store: Store): void {
  const at = (i: number): number => T0 + i * MINUTE;
  store.append(
    [
      run(MAKE, 'succeeded', [[1, true]], at(1), { labels: { env: 'prod', team: 'web' } }),
      run(CURL, 'failed', [[1, false]], at(2), { labels: { env: 'prod', team: 'infra' } }),
      run(MAKE, 'failed', [[1, false]], at(3), { labels: { env: 'staging', team: 'web' } }),
      run(PING, 'succeeded', [[1, true]], at(4)),
      run(MAKE, 'succeeded', [[1, true]], at(5), { labels: { env: 'prod', team: 'web', ...ODD } }),
      // Exact values: another case, a trailing space; and keys that differ only in case.
      run(CURL, 'succeeded', [[1, true]], at(6), { labels: { env: 'Prod', Env: 'prod', team: 'web ' } }),
      run(PING, 'failed', [[1, false]], at(7), { labels: {} }),
      run(PING, 'succeeded', [[1, true]], at(8), { labels: { env: '', note: 'env=prod' } }),
      // Its JSON text holds `":":","` though it has no key ":" (label-match.ts).
      run(PING, 'succeeded', [[1, true]], at(9), { labels: { a: ':', b: 'c' } }),
      // An own key named __proto__, as JSON.parse and the ingest's Object.fromEntries make one.
      run(CURL, 'succeeded', [[1, true]], at(10), { labels: Object.fromEntries([['__proto__', 'own']]) }),
    ],
    T0 + HOUR,
  );
}

eachStore('recent: one label filter is that key with exactly that value', (h) => {
  const store = h.open();
  labelled(store);
  assert.deepEqual(ids(store, { limit: 20, labels: L(['env', 'prod']) }), [5, 2, 1]);
  assert.deepEqual(ids(store, { limit: 20, labels: L(['team', 'web']) }), [5, 3, 1]);
  assert.deepEqual(ids(store, { limit: 20, labels: L(['team', 'web ']) }), [6]);
  assert.deepEqual(ids(store, { limit: 20, labels: L(['Env', 'prod']) }), [6]);
  assert.deepEqual(ids(store, { limit: 20, labels: L(['env', 'Prod']) }), [6]);
  // A key that exists with another value, a value of another key, a prefix: no match.
  assert.deepEqual(ids(store, { limit: 20, labels: L(['env', 'qa']) }), []);
  assert.deepEqual(ids(store, { limit: 20, labels: L(['env', 'pro']) }), []);
  assert.deepEqual(ids(store, { limit: 20, labels: L(['missing', 'prod']) }), []);
  // An empty value matches only an empty value, and no run lacks a key "in the empty way".
  assert.deepEqual(ids(store, { limit: 20, labels: L(['env', '']) }), [8]);
  assert.deepEqual(ids(store, { limit: 20, labels: L(['team', '']) }), []);
  assert.deepEqual(ids(store, { limit: 20, labels: L(['note', 'env=prod']) }), [8]);
  // None, or an empty list, filters nothing: runs without labels (4) and with {} (7) too.
  assert.deepEqual(ids(store, { limit: 20, labels: [] }), [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
});

eachStore('recent: several label filters must all match (AND)', (h) => {
  const store = h.open();
  labelled(store);
  assert.deepEqual(ids(store, { limit: 20, labels: L(['env', 'prod'], ['team', 'web']) }), [5, 1]);
  assert.deepEqual(ids(store, { limit: 20, labels: L(['team', 'web'], ['env', 'prod']) }), [5, 1]);
  assert.deepEqual(ids(store, { limit: 20, labels: L(['env', 'prod'], ['team', 'infra']) }), [2]);
  assert.deepEqual(ids(store, { limit: 20, labels: L(['env', 'staging'], ['team', 'infra']) }), []);
  // The same key twice: both values at once, which no run has; the same pair twice is once.
  assert.deepEqual(ids(store, { limit: 20, labels: L(['env', 'prod'], ['env', 'staging']) }), []);
  assert.deepEqual(ids(store, { limit: 20, labels: L(['env', 'prod'], ['env', 'prod']) }), [5, 2, 1]);
  const all = Object.entries(ODD).map(([key, value]) => ({ key, value }));
  assert.deepEqual(ids(store, { limit: 20, labels: [...all, { key: 'env', value: 'prod' }] }), [5]);
});

eachStore('recent: keys with dots, quotes, $, brackets, backslashes, NUL or emoji are plain keys', (h) => {
  const store = h.open();
  labelled(store);
  for (const [key, value] of Object.entries(ODD)) {
    assert.deepEqual(ids(store, { limit: 20, labels: L([key, value]) }), [5], key);
    assert.deepEqual(ids(store, { limit: 20, labels: L([key, `${value}!`]) }), [], key);
  }
  // What a JSON path would make of them: nested, unquoted, the whole set, the root's env.
  const asPaths: Array<[string, string]> = [
    ['a', 'dot'],
    ['b', 'dot'],
    ['x', 'quoted'],
    ['$', 'prod'],
    ['$.env', 'prod'],
    ['$."env"', 'prod'],
    ['a[0]', 'dot'],
    ['backslash', 'bs'],
    ['back\\\\slash', 'bs'],
    ['nul', 'nul'],
    ['*', 'prod'],
    ['%', 'prod'],
    ['', 'prod'],
  ];
  for (const [key, value] of asPaths) assert.deepEqual(ids(store, { limit: 20, labels: L([key, value]) }), [], key);
  assert.deepEqual(ids(store, { limit: 20, labels: L(['a', ':']) }), [9]);
  // JSON text that contains `":":","` must still be read as JSON.
  assert.deepEqual(ids(store, { limit: 20, labels: L([':', ',']) }), []);
  assert.deepEqual(ids(store, { limit: 20, labels: L(['__proto__', 'own']) }), [10]);
  // Inherited names are no labels.
  for (const key of ['constructor', 'toString', 'hasOwnProperty'])
    assert.deepEqual(ids(store, { limit: 20, labels: L([key, '']) }), [], key);
});

eachStore('recent: label filters combine with status, command, time and the limit', (h) => {
  const store = h.open();
  labelled(store);
  const prod = L(['env', 'prod']);
  assert.deepEqual(ids(store, { limit: 20, labels: prod, status: 'succeeded' }), [5, 1]);
  assert.deepEqual(ids(store, { limit: 20, labels: prod, status: 'failed' }), [2]);
  assert.deepEqual(ids(store, { limit: 20, labels: prod, command: 'make' }), [5, 1]);
  assert.deepEqual(ids(store, { limit: 20, labels: prod, command: 'curl' }), [2]);
  assert.deepEqual(ids(store, { limit: 20, labels: prod, command: 'ping' }), []);
  assert.deepEqual(ids(store, { limit: 20, labels: L(['team', 'web']), command: 'make', status: 'failed' }), [3]);
  assert.deepEqual(ids(store, { limit: 1, labels: prod }), [5]);
  assert.deepEqual(ids(store, { limit: 2, labels: prod }), [5, 2]);
  assert.deepEqual(ids(store, { limit: 1, labels: prod, command: 'make' }), [5]);
  assert.deepEqual(ids(store, { limit: 20, labels: prod, sinceMs: T0 + 2 * MINUTE }), [5, 2]);
  assert.deepEqual(ids(store, { limit: 20, labels: prod, untilMs: T0 + 2 * MINUTE, command: 'curl' }), [2]);
  const q: RecentQuery = { limit: 20, labels: prod, command: 'a', sinceMs: T0, untilMs: T0 + 4 * MINUTE };
  assert.deepEqual(ids(store, q), [2, 1]);
  // The byte budget counts only the runs that match.
  const first = store.recent({ limit: 1, labels: prod });
  assert.deepEqual(store.recent({ limit: 20, labels: prod, maxBytes: 1 }), { runs: first.runs, truncated: true });
  // The runs come back whole, labels included.
  assert.deepEqual(first.runs[0]?.record.labels, { env: 'prod', team: 'web', ...ODD });
});

eachStore('recent: a label rare among many runs of one command is found past every page of candidates', (h) => {
  const store = h.open();
  // Ids 1..10,000: every tenth (1, 11, 21, …) PING, the rest MAKE; more than one page of
  // candidates at its largest for either. MAKE's candidates are most ids of their span,
  // PING's a tenth (sqlite-store.ts reads the one as a span, looks the other up by id).
  // Labelled: the two oldest MAKE runs (2, 3) and the oldest PING run (1).
  const runs = Array.from({ length: 10_000 }, (_, i) =>
    run(i % 10 === 0 ? PING : MAKE, 'succeeded', [[1, true]], T0 + i, {
      labels: { release: i < 3 ? 'yes' : 'no' },
    }),
  );
  store.append(runs, T0);
  store.append([run(CURL, 'succeeded', [[1, true]], T0, { labels: { release: 'yes' } })], T0);
  const rare = L(['release', 'yes']);
  assert.deepEqual(ids(store, { limit: 1, labels: rare, command: 'make' }), [3]);
  assert.deepEqual(ids(store, { limit: 5, labels: rare, command: 'make' }), [3, 2]);
  assert.deepEqual(ids(store, { limit: 5, labels: rare, command: 'ping' }), [1]);
  assert.deepEqual(ids(store, { limit: 5, labels: rare, command: 'e' }), [10_001, 3, 2, 1]);
  // CURL and PING, not MAKE.
  assert.deepEqual(ids(store, { limit: 5, labels: rare, command: 'p' }), [10_001, 1]);
  assert.deepEqual(ids(store, { limit: 5, labels: rare }), [10_001, 3, 2, 1]);
  assert.deepEqual(ids(store, { limit: 3, labels: L(['release', 'no']), command: 'make' }), [10_000, 9_999, 9_998]);
  assert.deepEqual(ids(store, { limit: 3, labels: L(['release', 'no']), command: 'ping' }), [9_991, 9_981, 9_971]);
  assert.deepEqual(ids(store, { limit: 5, labels: rare, command: 'make', untilMs: T0 + 1 }), [2]);
  assert.deepEqual(ids(store, { limit: 5, labels: rare, command: 'ping', status: 'failed' }), []);
});
