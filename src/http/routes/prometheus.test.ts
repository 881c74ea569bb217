// GET /metrics through inject(): the text exposition with its content type.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, NOW, testApp } from './test-app.ts';
import { dataset, HOUR } from '../../store/test-support.ts';

test('GET /metrics: Prometheus text, counters fed by the run feed', async (t) => {
  const { app, store, feed } = testApp(t, { store: 'memory' });
  feed.publish(store.append(dataset(), NOW - HOUR));
  const res = await app.inject({ url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.match(res.body, /^patience_runs_total\{[^}]*\} \d+$/m);
  // It takes no parameters: unknown ones are ignored, a wrong method is not.
  assert.equal((await app.inject({ url: '/metrics?x=1' })).statusCode, 200);
  assertError(await app.inject({ url: '/metrics', method: 'DELETE' }), 405, 'method_not_allowed');
});
