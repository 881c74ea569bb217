// What the dashboard's numbers read like.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { count, duration, percent } from './format.ts';

test('formatting', () => {
  assert.equal(percent(0.8123, 5), '81.2%');
  assert.equal(percent(1, 5), '100%');
  assert.equal(percent(0, 0), '–');
  assert.equal(duration(0.0421), '42 ms');
  assert.equal(duration(4.25), '4.3 s');
  assert.equal(duration(185), '3m 05s');
  assert.equal(duration(7800), '2h 10m');
  assert.equal(count(1234567), '1,234,567');
});
