import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateAcquire } from './acquire-request.ts';

const base = { type: 'acquire', resource_id: 'api.github.com', rate_limit: 100, window_seconds: 3600 };
const error = (patch: Record<string, unknown>): string => {
  const c = validateAcquire({ ...base, ...patch });
  assert.equal(c.ok, false);
  return c.ok ? '' : c.error;
};

test('a good request passes, fractional windows included', () => {
  assert.deepEqual(validateAcquire(base), {
    ok: true,
    request: { resource_id: 'api.github.com', rate_limit: 100, window_seconds: 3600 },
  });
  assert.equal(validateAcquire({ ...base, window_seconds: 0.25 }).ok, true);
});

test('each bad field is named with its value', () => {
  assert.equal(error({ rate_limit: 0 }), 'rate_limit: must be a positive integer (got 0)');
  assert.equal(error({ rate_limit: undefined }), 'rate_limit: must be a positive integer (got nothing)');
  assert.equal(error({ rate_limit: 1.5 }), 'rate_limit: must be a positive integer (got 1.5)');
  assert.match(error({ rate_limit: 100_001 }), /^rate_limit: must be at most 100000/);
  assert.equal(error({ window_seconds: 0 }), 'window_seconds: must be a positive number of seconds (got 0)');
  assert.equal(error({ window_seconds: '10s' }), 'window_seconds: must be a positive number of seconds (got "10s")');
  assert.match(error({ window_seconds: 604_801 }), /^window_seconds: must be at most 604800/);
  assert.match(error({ resource_id: '' }), /^resource_id: must not be empty/);
  assert.match(error({ resource_id: 'x'.repeat(257) }), /^resource_id: must be at most 256 characters \(got 257\)/);
  assert.match(error({ resource_id: 'a\nb' }), /^resource_id: must not contain control characters/);
  assert.match(error({ resource_id: 7 }), /^resource_id: must be a non-empty string/);
});
