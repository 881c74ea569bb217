import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSeconds } from './profiling.ts';

test('profile seconds: 1..60, default 30, anything else names the parameter', () => {
  assert.equal(parseSeconds(undefined), 30);
  assert.equal(parseSeconds('1'), 1);
  assert.equal(parseSeconds('60'), 60);
  for (const bad of ['0', '61', '-1', '1.5', 'x', '', ['1', '2']])
    assert.match(String(parseSeconds(bad)), /^seconds: must be a whole number from 1 to 60, got /);
});
