import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration, parseGoDuration } from './duration.ts';

test('parses Go durations into milliseconds', () => {
  assert.equal(parseGoDuration('24h'), 86_400_000);
  assert.equal(parseGoDuration('1h30m'), 5_400_000);
  assert.equal(parseGoDuration('500ms'), 500);
  assert.equal(parseGoDuration('1.5s'), 1500);
  assert.equal(parseGoDuration('2m3.5s'), 123_500);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('-1s'), -1000);
  assert.equal(parseGoDuration('250us'), 0.25);
  assert.equal(parseGoDuration('1µs'), 0.001);
  assert.equal(parseGoDuration('.5s'), 500);
});

test('rejects what Go rejects', () => {
  for (const bad of ['', '10', '1d', '1h 30m', 'h', '1x', '-', '1.s5', 'abc', '1s2', ' 1s']) {
    assert.equal(parseGoDuration(bad), undefined, JSON.stringify(bad));
  }
});

test('formats like Go Duration.String', () => {
  assert.equal(formatGoDuration(86_400_000), '24h0m0s');
  assert.equal(formatGoDuration(5_400_000), '1h30m0s');
  assert.equal(formatGoDuration(1500), '1.5s');
  assert.equal(formatGoDuration(500), '500ms');
  assert.equal(formatGoDuration(0), '0s');
  assert.equal(formatGoDuration(90_000), '1m30s');
  assert.equal(formatGoDuration(-2000), '-2s');
});
