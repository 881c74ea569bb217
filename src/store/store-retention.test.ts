// Retention (count and age) and iteration, for both stores.
import assert from 'node:assert/strict';
import { CURL, HOUR, MAKE, MINUTE, NO_LIMITS, PING, T0, dataset, eachStore, ids, run } from './test-support.ts';
// The store's figures as the API shows them (src/http/wire/stats.ts), so that these tests also pin the wire values.
import { toApiStats } from '../http/wire/stats.ts';

eachStore('maxRecords: the oldest ids go at once, and stats forget them', (h) => {
  const store = h.open({ maxRecords: 3, maxAgeMs: NO_LIMITS.maxAgeMs });
  const records = dataset();
  store.append(records.slice(0, 2), T0);
  assert.equal(store.count(), 2);
  store.append(records.slice(2), T0);
  assert.equal(store.count(), 3);
  assert.deepEqual(ids(store, { limit: 10 }), [5, 4, 3]);
  assert.deepEqual(
    [...store.iterate()].map((r) => r.id),
    [3, 4, 5],
  );
  // Left: MAKE 18:40 rescued (2.25 s), CURL 16:20 failed (4 s), PING 18:30 (1 s).
  const s = toApiStats(store.stats(T0, T0 + 3 * HOUR));
  assert.equal(s.total_runs, 3);
  assert.equal(s.successful_runs, 2);
  assert.equal(s.rescued_runs, 1);
  assert.equal(s.total_attempts, 5);
  assert.equal(s.average_duration, Math.round((7.25 / 3) * 1e9));
  assert.deepEqual(
    s.top_commands.map((c) => [c.command, c.count]),
    [
      [CURL, 1],
      [MAKE, 1],
      [PING, 1],
    ],
  );
  assert.deepEqual(
    s.hourly_breakdown.map((x) => [x.hour, x.total_runs]),
    [
      ['2026-11-26T16:00:00Z', 1],
      ['2026-11-26T18:00:00Z', 2],
    ],
  );
});

eachStore('maxRecords: a batch larger than the limit keeps only its newest', (h) => {
  const store = h.open({ maxRecords: 2, maxAgeMs: NO_LIMITS.maxAgeMs });
  const stored = store.append(dataset(), T0);
  assert.deepEqual(
    stored.map((r) => r.id),
    [1, 2, 3, 4, 5],
  );
  assert.equal(store.count(), 2);
  assert.deepEqual(ids(store, { limit: 10 }), [5, 4]);
  assert.equal(toApiStats(store.stats(T0, T0 + 3 * HOUR)).total_runs, 2);
});

eachStore('maxRecords: steady eviction through many compactions keeps stats exact', (h) => {
  const store = h.open({ maxRecords: 1500, maxAgeMs: NO_LIMITS.maxAgeMs });
  for (let i = 0; i < 6000; i += 100) {
    store.append(
      Array.from({ length: 100 }, (_, k) =>
        run(i + k < 3000 ? CURL : MAKE, 'succeeded', [[1, true]], T0 + ((i + k) % 7) * HOUR),
      ),
      T0,
    );
  }
  assert.equal(store.count(), 1500);
  assert.deepEqual(ids(store, { limit: 2 }), [6000, 5999]);
  const all = [...store.iterate()];
  assert.equal(all.length, 1500);
  assert.equal(all[0]?.id, 4501);
  const s = toApiStats(store.stats(T0, T0 + 7 * HOUR));
  assert.equal(s.total_runs, 1500);
  assert.deepEqual(
    s.top_commands.map((c) => [c.command, c.count]),
    [[MAKE, 1500]],
  );
});

eachStore('removeExpired: by run time, wherever the runs sit in id order', (h) => {
  const now = T0 + 3 * HOUR;
  const store = h.open({ maxRecords: 100, maxAgeMs: HOUR }, T0);
  store.append(dataset(), T0);
  const before = toApiStats(store.stats(T0, now));
  assert.equal(before.duration_seconds.max, 4);
  // Older than 18:00: ids 1 (17:05), 2 (16:10) and 4 (16:20); 3 (18:40) and 5 (18:30) stay.
  assert.equal(store.removeExpired(now), 3);
  assert.equal(store.lastCleanupMs, now);
  assert.equal(store.count(), 2);
  assert.deepEqual(ids(store, { limit: 10 }), [5, 3]);
  const s = toApiStats(store.stats(T0, now));
  assert.equal(s.total_runs, 2);
  assert.equal(s.rescued_runs, 1);
  assert.equal(s.duration_seconds.max, 2.25);
  assert.deepEqual(
    s.top_commands.map((c) => c.command),
    [MAKE, PING],
  );
  assert.deepEqual(
    s.hourly_breakdown.map((x) => x.hour),
    ['2026-11-26T18:00:00Z'],
  );
  assert.equal(store.removeExpired(now), 0);
  // Exactly maxAgeMs old is not older than it.
  assert.equal(store.removeExpired(T0 + 3 * HOUR + 30 * MINUTE), 0);
  assert.equal(store.removeExpired(T0 + 3 * HOUR + 30 * MINUTE + 1), 1);
  assert.deepEqual(ids(store, { limit: 10 }), [3]);
});

eachStore('removeExpired: thousands of scattered expiries keep stats exact', (h) => {
  const store = h.open({ maxRecords: 100_000, maxAgeMs: 5 * HOUR }, T0);
  const records = Array.from({ length: 4000 }, (_, i) =>
    run(i % 2 ? CURL : PING, 'succeeded', [[(i % 10) + 1, true]], T0 + ((i * 7919) % 600) * MINUTE),
  );
  store.append(records, T0);
  const now = T0 + 10 * HOUR;
  const keep = records.filter((r) => r.timestampMs >= now - 5 * HOUR);
  assert.equal(store.removeExpired(now), 4000 - keep.length);
  assert.equal(store.count(), keep.length);
  const s = toApiStats(store.stats(T0, now));
  assert.equal(s.total_runs, keep.length);
  assert.equal(
    s.average_duration_seconds.toFixed(9),
    (keep.reduce((a, r) => a + r.total_duration_seconds, 0) / keep.length).toFixed(9),
  );
  assert.ok([...store.iterate()].every((r) => r.record.timestampMs >= now - 5 * HOUR));
});

eachStore('lastCleanupMs is the time of the last cleanup', (h) => {
  const store = h.open(NO_LIMITS, T0 + 7);
  assert.equal(store.lastCleanupMs, T0 + 7, 'opening cleans up once');
  store.removeExpired(T0 + 99);
  assert.equal(store.lastCleanupMs, T0 + 99);
});

eachStore('iterate: oldest first, everything once', (h) => {
  const store = h.open();
  const records = dataset();
  store.append(records, T0);
  const all = [...store.iterate()];
  assert.deepEqual(
    all.map((r) => r.id),
    [1, 2, 3, 4, 5],
  );
  assert.deepEqual(
    all.map((r) => r.record),
    records,
  );
});

eachStore('iterate: appends and evictions between steps neither repeat nor resurrect runs', (h) => {
  const store = h.open({ maxRecords: 2000, maxAgeMs: NO_LIMITS.maxAgeMs });
  const batch = (n: number): ReturnType<typeof run>[] =>
    Array.from({ length: n }, (_, i) => run(MAKE, 'succeeded', [[1, true]], T0 + i));
  store.append(batch(2000), T0);
  const it = store.iterate();
  const seen: number[] = [];
  for (let i = 0; i < 10; i++) {
    const next = it.next();
    if (!next.done) seen.push(next.value.id);
  }
  // Evicts ids 1..1500, enough for the memory store to compact and move its rows.
  store.append(batch(1500), T0);
  for (let next = it.next(); !next.done; next = it.next()) seen.push(next.value.id);
  assert.deepEqual(seen.slice(0, 10), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.ok(
    seen.every((id, i) => i === 0 || id > (seen[i - 1] ?? 0)),
    'ascending, no repeats',
  );
  // Every survivor up to the newest id at the start; none appended after it. A run
  // evicted meanwhile may still show up if it was already read ahead (one page).
  const survivors = seen.filter((id) => id > 1500);
  assert.deepEqual(
    survivors,
    Array.from({ length: 500 }, (_, i) => 1501 + i),
  );
  assert.ok(seen.length - 510 <= 512, 'at most one page of evicted runs');
});

eachStore('iterate: rows moved by a compaction mid-way are neither repeated nor skipped', (h) => {
  const store = h.open({ maxRecords: 2000, maxAgeMs: NO_LIMITS.maxAgeMs });
  const batch = (n: number): ReturnType<typeof run>[] =>
    Array.from({ length: n }, (_, i) => run(MAKE, 'succeeded', [[1, true]], T0 + i));
  store.append(batch(2000), T0);
  const it = store.iterate();
  const seen: number[] = [];
  for (let i = 0; i < 1600; i++) {
    const next = it.next();
    if (!next.done) seen.push(next.value.id);
  }
  store.append(batch(1500), T0);
  for (let next = it.next(); !next.done; next = it.next()) seen.push(next.value.id);
  assert.deepEqual(
    seen,
    Array.from({ length: 2000 }, (_, i) => i + 1),
  );
});

eachStore('close, then a new store: memory starts empty, a data file starts where it was', (h) => {
  const first = h.open();
  first.append(dataset(), T0);
  first.close();
  const second = h.open();
  assert.equal(second.count(), h.kind === 'sqlite' ? 5 : 0);
});
