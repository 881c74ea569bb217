// GET /api/coordination through inject(): the ledger in the API's shape, limit checked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, assertShape, NOW, testApp } from './test-app.ts';
import { CoordinationResult } from '../../shared/api/coordination.ts';

test('GET /api/coordination: resources newest use first, times in RFC 3339, limit capped', async (t) => {
  const { app, ledger } = testApp(t, { store: 'memory' });
  ledger.acquire({ resource_id: 'a', rate_limit: 1, window_seconds: 60 }, NOW - 2000);
  ledger.acquire({ resource_id: 'b', rate_limit: 5, window_seconds: 1 }, NOW - 1000);
  const res = await app.inject({ url: '/api/coordination' });
  assert.equal(res.statusCode, 200);
  assertShape(CoordinationResult, res);
  const body = res.json<CoordinationResult>();
  assert.deepEqual(
    body.resources.map((r) => [r.resource_id, r.next_free_at, r.last_used_at]),
    [
      ['b', null, new Date(NOW - 1000).toISOString()],
      ['a', new Date(NOW - 2000 + 60_000).toISOString(), new Date(NOW - 2000).toISOString()],
    ],
  );
  assert.equal(body.count, 2);
  const one = (await app.inject({ url: '/api/coordination?limit=1' })).json<CoordinationResult>();
  assert.equal(one.resources.length, 1);
  assert.equal((await app.inject({ url: '/api/coordination?limit=99999' })).statusCode, 200);
});

test('GET /api/coordination: a bad limit is 400 bad_parameter', async (t) => {
  const { app } = testApp(t, { store: 'memory' });
  for (const q of ['limit=abc', 'limit=0', 'limit=-1', 'limit=2.5']) {
    assertError(await app.inject({ url: `/api/coordination?${q}` }), 400, 'bad_parameter', 'limit');
  }
});
