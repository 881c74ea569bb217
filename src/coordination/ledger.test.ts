import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ledger, type Decision } from './ledger.ts';

const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);
const req = (resource_id: string, rate_limit: number, window_seconds: number) => ({
  resource_id,
  rate_limit,
  window_seconds,
});
const granted = (d: Decision): boolean => d.granted === true;

test('a sliding window: rate_limit grants per window, then refused until the oldest leaves', () => {
  const l = new Ledger();
  assert.ok(granted(l.acquire(req('api', 2, 3), T0)));
  assert.ok(granted(l.acquire(req('api', 2, 3), T0 + 1000)));
  const refused = l.acquire(req('api', 2, 3), T0 + 2000);
  assert.deepEqual(refused, { granted: false, waitUntilMs: T0 + 3000 });
  // The first grant leaves the window at T0+3000 exactly (the window is (now-W, now]).
  assert.ok(!granted(l.acquire(req('api', 2, 3), T0 + 2999)));
  assert.ok(granted(l.acquire(req('api', 2, 3), T0 + 3000)));
  // Now the grants are at T0+1000 and T0+3000: the next slot frees at T0+4000.
  assert.deepEqual(l.acquire(req('api', 2, 3), T0 + 3500), { granted: false, waitUntilMs: T0 + 4000 });
  const [v] = l.list(T0 + 3500, 10);
  assert.equal(v?.granted_in_window, 2);
  assert.equal(v?.granted_total, 3);
  assert.equal(v?.refused_total, 3);
  assert.equal(v?.nextFreeMs, T0 + 4000);
});

test('the last slot is taken once, whatever the interleaving of clients', () => {
  const l = new Ledger();
  // Six clients ask at the same instant for a limit of 2: exactly two win.
  const wins = [1, 2, 3, 4, 5, 6].map(() => l.acquire(req('db', 2, 10), T0)).filter(granted).length;
  assert.equal(wins, 2);
  // Interleaved with another resource and other times, the count stays exact.
  let ok = 0;
  for (let i = 0; i < 100; i++) {
    if (granted(l.acquire(req('db', 2, 10), T0 + i * 50))) ok++;
    l.acquire(req('other', 1, 1), T0 + i * 50);
  }
  assert.equal(ok, 0, 'the window (T0, T0+10s] is already full');
});

test('each request is judged by its own limit and window against the shared history', () => {
  const l = new Ledger();
  for (let i = 0; i < 3; i++) assert.ok(granted(l.acquire(req('x', 5, 1), T0 + i)));
  // A stricter client (2 per 60 s) sees the three grants and is refused until the 2nd newest leaves its window.
  assert.deepEqual(l.acquire(req('x', 2, 60), T0 + 10), { granted: false, waitUntilMs: T0 + 1 + 60_000 });
  // The looser one still has room.
  assert.ok(granted(l.acquire(req('x', 5, 1), T0 + 20)));
  // The record shows the last-seen limit and window.
  const [v] = l.list(T0 + 20, 1);
  assert.equal(v?.rate_limit, 5);
  assert.equal(v?.window_seconds, 1);
});

test('fractional windows, and a clock that steps back never reorders grants', () => {
  const l = new Ledger();
  assert.ok(granted(l.acquire(req('f', 1, 0.5), T0)));
  assert.deepEqual(l.acquire(req('f', 1, 0.5), T0 + 100), { granted: false, waitUntilMs: T0 + 500 });
  assert.ok(granted(l.acquire(req('f', 1, 0.5), T0 + 500)));
  const back = l.acquire(req('f', 3, 0.5), T0 - 10_000);
  assert.ok(back.granted === true && back.grant.atMs === T0 + 500, 'clamped to the newest grant');
});

test('eviction past the resource bound: idle first, counted; live grants are never forgotten', () => {
  const l = new Ledger({ maxResources: 2 });
  assert.ok(granted(l.acquire(req('a', 1, 1), T0)));
  assert.ok(granted(l.acquire(req('b', 1, 1), T0)));
  // Both hold a grant inside their window: a third resource is refused with a reason.
  const full = l.acquire(req('c', 1, 1), T0 + 500);
  assert.equal(full.granted, undefined);
  assert.match(
    full.granted === undefined ? full.error : '',
    /^resource_id: .*2 resources \(max_rate_limit_resources\)/,
  );
  assert.equal(l.evictedTotal, 0);
  // 'b' is used again, so once both windows passed, 'a' (least recently used) goes.
  l.acquire(req('b', 1, 1), T0 + 600);
  assert.ok(granted(l.acquire(req('c', 1, 1), T0 + 2000)));
  assert.equal(l.evictedTotal, 1);
  assert.deepEqual(
    l.list(T0 + 2000, 10).map((v) => v.resource_id),
    ['c', 'b'],
  );
  assert.equal(l.count, 2);
});

test('the total of grant times held is bounded, and prune frees them', () => {
  const l = new Ledger({ maxGrants: 3 });
  assert.ok(granted(l.acquire(req('a', 2, 10), T0)));
  assert.ok(granted(l.acquire(req('a', 2, 10), T0)));
  assert.ok(granted(l.acquire(req('b', 5, 10), T0)));
  const d = l.acquire(req('b', 5, 10), T0 + 1);
  assert.equal(d.granted, undefined);
  assert.equal(l.grantsHeld, 3);
  // Once the windows pass, the sweep inside acquire makes room.
  assert.ok(granted(l.acquire(req('b', 5, 10), T0 + 10_000)));
  assert.equal(l.grantsHeld, 1);
  // A ring never holds more than the largest limit seen.
  const m = new Ledger();
  for (let i = 0; i < 50; i++) m.acquire(req('r', 3, 0.001), T0 + i);
  assert.equal(m.grantsHeld, 3);
  assert.equal(m.prune(T0 + 1000), 3);
  assert.equal(m.grantsHeld, 0);
});

test('undo takes back grants whose storage failed; restore puts back persisted ones', () => {
  const l = new Ledger();
  const a = l.acquire(req('u', 1, 5), T0);
  assert.ok(a.granted === true);
  l.undo([a.grant]);
  assert.equal(l.list(T0, 1)[0]?.granted_total, 0);
  assert.ok(granted(l.acquire(req('u', 1, 5), T0 + 1)), 'the undone slot is free again');

  const fresh = new Ledger();
  fresh.restore({ resourceId: 'u', atMs: T0, rateLimit: 1, windowMs: 5000, expiresMs: T0 + 5000 }, T0 + 100);
  fresh.restore({ resourceId: 'gone', atMs: T0 - 9000, rateLimit: 1, windowMs: 5000, expiresMs: T0 - 4000 }, T0 + 100);
  assert.deepEqual(fresh.acquire(req('u', 1, 5), T0 + 200), { granted: false, waitUntilMs: T0 + 5000 });
  assert.equal(fresh.count, 1, 'an expired grant brings back nothing');
});
