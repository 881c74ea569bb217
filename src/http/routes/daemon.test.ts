// /api/health, /api/daemon/stats and /api/daemon/performance through inject(): each body
// matches its documented schema; a storage fault turns health into a 503; a foreign Host
// is a 421 misdirected_host (these routes take no parameters).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, assertShape, NOW, testApp } from './test-app.ts';
import { dataset, HOUR, NO_LIMITS } from '../../store/test-support.ts';
import { DaemonStats, Health, PerformanceReport } from '../../shared/api/daemon.ts';
import { FaultyStore } from '../../store/fault-injection.ts';

test('GET /api/health: healthy is a 200; a data file gone is a 503 with the reason and faults', async (t) => {
  const store = new FaultyStore(NO_LIMITS);
  const { app } = testApp(t, { store });
  const ok = await app.inject({ url: '/api/health' });
  assert.equal(ok.body, JSON.stringify({ status: 'healthy', timestamp: Math.floor(NOW / 1000), version: 'test' }));
  store.fileGone = 'data_file /x/d.db was deleted';
  const bad = await app.inject({ url: '/api/health' });
  assert.equal(bad.statusCode, 503);
  assertShape(Health, bad);
  assert.deepEqual(bad.json<Health>().faults, [
    { source: 'data_file', status: 'unhealthy', reason: store.fileGone, since: new Date(NOW).toISOString() },
  ]);
  assert.equal(bad.json<Health>().reason, store.fileGone);
});

test('GET /api/daemon/stats: the store, limits and counters', async (t) => {
  const { app, store, counters } = testApp(t);
  store.append(dataset(), NOW - HOUR);
  counters.received = 7;
  const res = await app.inject({ url: '/api/daemon/stats' });
  assert.equal(res.statusCode, 200);
  assertShape(DaemonStats, res);
  const s = res.json<DaemonStats>();
  assert.equal(s.total_metrics, 5);
  assert.equal(s.received, 7);
  assert.equal(s.max_store_bytes, null);
  assert.equal(s.max_age, '87600h0m0s');
  assert.equal(s.uptime_seconds, 60);
  assert.equal(s.storage, store.location);
  assert.deepEqual(s.event_streams, {
    clients: 0,
    max_clients: 32,
    dropped_slow: 0,
    refused: 0,
    max_buffered_bytes: 0,
  });
  assert.equal(typeof s.rejected.invalid_json, 'number');
});

test('GET /api/daemon/performance: runtime figures in their documented shape', async (t) => {
  const { app } = testApp(t, { store: 'memory' });
  const res = await app.inject({ url: '/api/daemon/performance' });
  assert.equal(res.statusCode, 200);
  assertShape(PerformanceReport, res);
  assert.equal(res.json<PerformanceReport>().runtime.pid, process.pid);
});

test('daemon routes: a foreign Host is 421 misdirected_host, a wrong method 405 method_not_allowed', async (t) => {
  const { app } = testApp(t, { store: 'memory' });
  for (const url of ['/api/health', '/api/daemon/stats', '/api/daemon/performance']) {
    assertError(await app.inject({ url, headers: { host: 'evil.example' } }), 421, 'misdirected_host');
    const res = await app.inject({ url, method: 'POST' });
    assertError(res, 405, 'method_not_allowed');
    assert.equal(res.headers.allow, 'GET, HEAD');
  }
  assertError(await app.inject({ url: '/api/daemon/nope' }), 404, 'not_found');
});
