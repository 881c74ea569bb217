import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTimeBound, rfc3339 } from './time-bound.ts';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);

test('a Go duration counts back from now', () => {
  assert.deepEqual(parseTimeBound('30m', NOW), { ok: true, ms: NOW - 30 * 60_000 });
  assert.deepEqual(parseTimeBound('24h', NOW), { ok: true, ms: NOW - 86_400_000 });
  assert.deepEqual(parseTimeBound('1h30m', NOW), { ok: true, ms: NOW - 90 * 60_000 });
  assert.deepEqual(parseTimeBound('0', NOW), { ok: true, ms: NOW });
});

test('an RFC 3339 time is taken as it is', () => {
  assert.deepEqual(parseTimeBound('2026-11-30T10:00:00Z', NOW), { ok: true, ms: Date.UTC(2026, 10, 30, 10) });
  assert.deepEqual(parseTimeBound('2026-11-30T12:00:00+02:00', NOW), { ok: true, ms: Date.UTC(2026, 10, 30, 10) });
});

test('anything else says what it expected', () => {
  for (const bad of ['5x', '7d', '10', 'yesterday', '2026-02-30T00:00:00Z', '-5m', '']) {
    const r = parseTimeBound(bad, NOW);
    assert.equal(r.ok, false, bad);
  }
  const r = parseTimeBound('7d', NOW);
  assert.ok(!r.ok && /not a duration such as 30m/.test(r.problem));
  const feb = parseTimeBound('2026-02-30T00:00:00Z', NOW);
  assert.ok(!feb.ok && /February 2026 has days 01\.\.28/.test(feb.problem));
  const far = parseTimeBound('999999999999h', NOW);
  assert.ok(!far.ok && /too far back/.test(far.problem));
});

test('rfc3339 writes UTC for the API', () => {
  assert.equal(rfc3339(Date.UTC(2026, 10, 30, 10)), '2026-11-30T10:00:00.000Z');
});
