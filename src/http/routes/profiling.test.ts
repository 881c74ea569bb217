// /debug/pprof/* through inject(), with enable_profiling: the index, the handles, a short
// CPU profile, the seconds parameter checked, and cross-site requests refused (guard.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, testApp } from './test-app.ts';

test('without enable_profiling every /debug/pprof path is 404 not_found', async (t) => {
  const { app } = testApp(t, { store: 'memory' });
  for (const url of ['/debug/pprof/', '/debug/pprof/heap', '/debug/pprof/profile?seconds=1']) {
    assertError(await app.inject({ url }), 404, 'not_found');
  }
});

test('the index (JSON or HTML), the redirect, and the active handles', async (t) => {
  const { app } = testApp(t, { store: 'memory', profiling: true });
  const index = await app.inject({ url: '/debug/pprof/' });
  assert.deepEqual(
    index.json<{ profiles: Array<{ name: string }> }>().profiles.map((p) => p.name),
    ['profile', 'heap', 'goroutine'],
  );
  const html = await app.inject({ url: '/debug/pprof/', headers: { accept: 'text/html' } });
  assert.equal(html.headers['content-type'], 'text/html; charset=utf-8');
  assert.match(html.body, /<a href="\/debug\/pprof\/heap">heap<\/a>/);
  const moved = await app.inject({ url: '/debug/pprof' });
  assert.equal(moved.statusCode, 301);
  assert.equal(moved.headers.location, '/debug/pprof/');
  const handles = await app.inject({ url: '/debug/pprof/goroutine' });
  const h = handles.json<{ total: number; by_type: Record<string, number>; socket_connections: object }>();
  assert.equal(typeof h.total, 'number');
  assert.deepEqual(h.socket_connections, { active: 0, waiting: 0 });
});

test('profile: seconds is a whole number from 1 to 60 (400 bad_parameter otherwise); one second profiles', async (t) => {
  const { app } = testApp(t, { store: 'memory', profiling: true });
  for (const bad of ['0', '61', 'abc', '1.5', '-1']) {
    const body = assertError(
      await app.inject({ url: `/debug/pprof/profile?seconds=${bad}` }),
      400,
      'bad_parameter',
      'seconds',
    );
    assert.equal(body.error, `seconds: ${JSON.stringify(bad)} is not a whole number from 1 to 60`);
  }
  const res = await app.inject({ url: '/debug/pprof/profile?seconds=1' });
  assert.equal(res.statusCode, 200);
  assert.match(
    String(res.headers['content-disposition']),
    /^attachment; filename="patienced-\d{8}-\d{6}\.cpuprofile"$/,
  );
  assert.ok(Array.isArray(res.json<{ nodes: unknown[] }>().nodes));
});

test('a cross-site request to profiling is 403 cross_site_refused', async (t) => {
  const { app } = testApp(t, { store: 'memory', profiling: true });
  for (const url of ['/debug/pprof/heap', '/debug/pprof/profile?seconds=1', '/debug/pprof/goroutine']) {
    const res = await app.inject({ url, headers: { 'sec-fetch-site': 'cross-site' } });
    assertError(res, 403, 'cross_site_refused');
  }
});
