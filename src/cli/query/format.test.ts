import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatClock, formatPercent, formatRelative, formatSeconds, paint, useColor } from './format.ts';

test('formatSeconds: short, with the precision that matters at each size', () => {
  const cases: Array<[number, string]> = [
    [0, '0ms'],
    [0.0004, '0ms'],
    [0.85, '850ms'],
    [1, '1s'],
    [1.25, '1.25s'],
    [3.5, '3.5s'],
    [9.999, '10s'],
    [42.34, '42.3s'],
    [59.96, '1m00s'],
    [125, '2m05s'],
    [3600, '1h00m'],
    [3725, '1h02m'],
    [90_000, '1d01h'],
  ];
  for (const [s, want] of cases) assert.equal(formatSeconds(s), want, `${s}`);
  assert.equal(formatSeconds(-1), '-');
  assert.equal(formatSeconds(Number.NaN), '-');
});

test('formatRelative: seconds, minutes, hours, days ago; older than a week, the date', () => {
  const now = Date.UTC(2026, 10, 30, 12, 0, 0);
  assert.equal(formatRelative(now - 12_000, now), '12s ago');
  assert.equal(formatRelative(now - 3 * 60_000 - 5000, now), '3m ago');
  assert.equal(formatRelative(now - 5 * 3_600_000, now), '5h ago');
  assert.equal(formatRelative(now - 2 * 86_400_000, now), '2d ago');
  assert.match(formatRelative(now - 30 * 86_400_000, now), /^2026-10-(30|31)$/);
  assert.equal(formatRelative(now + 90_000, now), 'in 1m');
});

test('formatClock: the time of day today, the date and minute before', () => {
  const now = new Date(2026, 10, 30, 15, 0, 0).getTime();
  assert.equal(formatClock(new Date(2026, 10, 30, 14, 5, 9).getTime(), now), '14:05:09');
  assert.equal(formatClock(new Date(2026, 10, 29, 9, 7, 0).getTime(), now), 'Nov 29 09:07');
});

test('formatPercent: whole percentages plain, others with one decimal', () => {
  assert.equal(formatPercent(1), '100%');
  assert.equal(formatPercent(0), '0%');
  assert.equal(formatPercent(0.75), '75%');
  assert.equal(formatPercent(2 / 3), '66.7%');
});

test('colour only on a terminal, and never with NO_COLOR set (no-color.org) or TERM=dumb', () => {
  assert.equal(useColor(true, {}), true);
  assert.equal(useColor(false, {}), false);
  assert.equal(useColor(true, { NO_COLOR: '1' }), false);
  assert.equal(useColor(true, { NO_COLOR: '' }), true, 'an empty NO_COLOR does not count');
  assert.equal(useColor(true, { TERM: 'dumb' }), false);
  assert.equal(paint('green', 'ok'), '\u001b[32mok\u001b[0m');
  assert.equal(paint('red', 'FAILED'), '\u001b[31mFAILED\u001b[0m');
});
