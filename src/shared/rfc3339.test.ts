import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRfc3339 } from './rfc3339.ts';

function ms(text: string): number {
  const r = parseRfc3339(text);
  assert.ok(r.ok, `${text}: ${r.ok ? '' : r.reason}`);
  return r.ms;
}

function reason(text: string): string {
  const r = parseRfc3339(text);
  assert.ok(!r.ok, `${text} should be refused, got ${r.ok ? new Date(r.ms).toISOString() : ''}`);
  return r.reason;
}

test('valid times agree with Date.parse, offsets and fractions included', () => {
  for (const t of [
    '2026-01-02T15:04:05Z',
    '2026-01-02t15:04:05z',
    '2026-01-02 15:04:05Z',
    '2026-01-02T15:04:05.123Z',
    '2026-01-02T15:04:05.123456789Z',
    '2026-01-02T15:04:05+02:00',
    '2026-01-02T15:04:05-23:59',
    '2024-02-29T00:00:00Z',
    '2026-12-31T23:59:59Z',
    '1970-01-01T00:00:00Z',
  ]) {
    assert.equal(ms(t), Date.parse(t.replace(' ', 'T').toUpperCase()), t);
  }
  assert.equal(ms('0050-06-01T00:00:00Z'), Date.parse('0050-06-01T00:00:00Z'), 'a two-digit year is not moved to 19xx');
});

test('a date that does not exist is refused, not rolled over (2026-02-30 was 2 March)', () => {
  assert.equal(reason('2026-02-30T00:00:00Z'), 'has day 30: February 2026 has days 01..28');
  assert.equal(reason('2023-02-29T00:00:00Z'), 'has day 29: February 2023 has days 01..28');
  assert.equal(reason('2026-04-31T00:00:00Z'), 'has day 31: April 2026 has days 01..30');
  assert.equal(reason('2026-01-00T00:00:00Z'), 'has day 00: January 2026 has days 01..31');
  assert.equal(reason('2026-13-01T00:00:00Z'), 'has month 13: months are 01..12');
  assert.equal(reason('2026-00-01T00:00:00Z'), 'has month 00: months are 01..12');
});

test('out-of-range clock fields and offsets are refused', () => {
  assert.equal(reason('2026-01-01T24:00:00Z'), 'has hour 24: hours are 00..23');
  assert.equal(reason('2026-01-01T23:60:00Z'), 'has minute 60: minutes are 00..59');
  assert.equal(reason('2026-01-01T23:59:60Z'), 'has second 60: seconds are 00..59');
  assert.equal(reason('2026-01-01T00:00:00+24:00'), 'has offset +24:00: offsets are -23:59..+23:59');
  assert.equal(reason('2026-01-01T00:00:00+01:60'), 'has offset +01:60: offsets are -23:59..+23:59');
});

test('other shapes are refused', () => {
  for (const t of [
    '',
    '2026-01-01',
    '2026-01-01T00:00Z',
    '2026-01-01T00:00:00',
    '1767225600',
    'yesterday',
    '2026-1-01T00:00:00Z',
    '2026-01-01T00:00:00.Z',
    '+002026-01-01T00:00:00Z',
  ]) {
    assert.equal(reason(t), 'is not an RFC 3339 time such as 2026-01-02T15:04:05Z', t);
  }
});
