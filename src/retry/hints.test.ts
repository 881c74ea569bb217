import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findHint, HINT_SCAN_CHARS, jsonHint } from './hints.ts';

const NOW = Date.parse('2030-01-01T00:00:00Z');

test('Retry-After in seconds, as curl -i and curl -v print it', () => {
  assert.equal(findHint('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\n\r\n', '', NOW), 7000);
  assert.equal(findHint('', '< retry-after: 2\r\n', NOW), 2000);
  assert.equal(findHint('Retry-After: 1.5\n', '', NOW), 1500);
});

test('Retry-After as an HTTP-date means date − now', () => {
  assert.equal(findHint('Retry-After: Tue, 01 Jan 2030 00:00:30 GMT\n', '', NOW), 30_000);
  // In the past: no hint, the next source is tried.
  assert.equal(findHint('Retry-After: Mon, 31 Dec 2029 23:00:00 GMT\n', '', NOW), undefined);
  assert.equal(
    findHint('Retry-After: Mon, 31 Dec 2029 23:00:00 GMT\nX-RateLimit-Reset: 1893456010\n', '', NOW),
    10_000,
  );
});

test('X-RateLimit-Reset is unix seconds', () => {
  assert.equal(findHint('x-ratelimit-reset: 1893456060\n', '', NOW), 60_000);
  assert.equal(findHint('X-RateLimit-Reset: 1000\n', '', NOW), undefined);
});

test('order: Retry-After, then X-RateLimit-Reset, then JSON; stdout before stderr', () => {
  const json = '{"retry_after": 9}';
  assert.equal(findHint(`${json}\nX-RateLimit-Reset: 1893456005\n`, 'Retry-After: 3\n', NOW), 3000);
  assert.equal(findHint(json, 'X-RateLimit-Reset: 1893456005', NOW), 5000);
  assert.equal(findHint('Retry-After: 4', 'Retry-After: 8', NOW), 4000);
  assert.equal(findHint('nothing here', json, NOW), 9000);
});

test('JSON keys, numbers or numeric strings, fractions kept, nested objects searched', () => {
  for (const key of ['retry_after', 'retry_after_seconds', 'retryAfter', 'retryAfterSeconds', 'retry_in']) {
    assert.equal(jsonHint(`{"${key}": 2}`), 2000, key);
  }
  assert.equal(jsonHint('{"retry_after": "2.25"}'), 2250);
  assert.equal(jsonHint('log: {bad json} then {"error": {"details": [{"retryAfter": 0.5}]}}'), 500);
  assert.equal(jsonHint('{"a": {"retry_in": 4}, "retry_after": 1}'), 1000); // top level first
  assert.equal(jsonHint('{"retry_after": 0}'), undefined);
  assert.equal(jsonHint('{"retry_after": -3}'), undefined);
  assert.equal(jsonHint('{"retry_after": "soon"}'), undefined);
  assert.equal(jsonHint('{"msg": "a } in a string", "retry_after": 3}'), 3000);
});

test('with the last response known, its own headers give the hint, not an earlier one', () => {
  const redirect = 'HTTP/1.1 302 Found\r\nRetry-After: 9\r\n\r\n';
  const last = 'HTTP/1.1 503 Busy\r\nRetry-After: 2\r\n';
  assert.equal(findHint(`${redirect}${last}\r\n`, '', NOW, last), 2000);
  assert.equal(findHint(`${redirect}HTTP/1.1 503 Busy\r\n\r\n`, '', NOW, 'HTTP/1.1 503 Busy\r'), undefined);
  assert.equal(
    findHint('', 'x-ratelimit-reset: 1893456001\n', NOW, '< HTTP/1.1 429 x\r\n< X-RateLimit-Reset: 1893456004\r'),
    4000,
  );
  // The JSON body is still read from the whole output.
  assert.equal(findHint(`${redirect}HTTP/1.1 429 x\r\n\r\n{"retry_after": 3}`, '', NOW, 'HTTP/1.1 429 x\r'), 3000);
  // Beyond the first 10 KiB, the last response's headers still count.
  const far = 'HTTP/1.1 429 x\r\nRetry-After: 6\r';
  assert.equal(findHint(`${'x'.repeat(HINT_SCAN_CHARS)}\n${far}\n`, '', NOW, far), 6000);
});

test('no hint, zero hints, and only the first 10 KiB', () => {
  assert.equal(findHint('', '', NOW), undefined);
  assert.equal(findHint('Retry-After: 0\n', '', NOW), undefined);
  assert.equal(findHint(`${'x'.repeat(HINT_SCAN_CHARS)}\nRetry-After: 5\n`, '', NOW), undefined);
});

test('hostile output stays cheap', { timeout: 5000 }, () => {
  const nested = '{'.repeat(HINT_SCAN_CHARS);
  const many = '{"a":1} '.repeat(2000);
  const broken = '{"a": ['.repeat(1500);
  for (const text of [nested, many, broken]) assert.equal(findHint(text, text, NOW), undefined);
});
