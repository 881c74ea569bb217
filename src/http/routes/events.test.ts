// GET /api/events through inject(). A stream never ends by itself, so inject() cannot hand
// its body over: these tests see the streams through /api/daemon/stats, and closing the app
// destroys them (preClose). What a stream carries is checked on a real server in
// test/web/events.test.ts, and event by event in src/http/live/event-streams.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, testApp, type TestApp } from './test-app.ts';
import type { DaemonStats } from '../../shared/api/daemon.ts';

async function streamStats(app: TestApp['app']): Promise<DaemonStats['event_streams']> {
  return (await app.inject({ url: '/api/daemon/stats' })).json<DaemonStats>().event_streams;
}

/** Opens a stream; the promise settles only when the app closes it. */
function openStream(app: TestApp['app']): Promise<string> {
  return app.inject({ url: '/api/events' }).then(
    (res) => `ended with ${res.statusCode}`,
    (err: Error) => err.message,
  );
}

test('GET /api/events: a stream is held open until the app closes, then destroyed', async (t) => {
  const { app } = testApp(t, { store: 'memory' });
  const stream = openStream(app);
  assert.equal((await streamStats(app)).clients, 1);
  await app.close();
  assert.equal(await stream, 'response destroyed before completion');
});

test('GET /api/events: past the client cap a 503 too_many_streams with Retry-After; bad Host 421', async (t) => {
  const { app } = testApp(t, { store: 'memory' });
  const open = Array.from({ length: 32 }, () => openStream(app));
  assert.equal((await streamStats(app)).clients, 32);
  const refused = await app.inject({ url: '/api/events' });
  const body = assertError(refused, 503, 'too_many_streams');
  assert.equal(body.error, 'too many event streams open (32); try again later');
  assert.equal(refused.headers['retry-after'], '3');
  assert.equal((await streamStats(app)).refused, 1);
  assertError(await app.inject({ url: '/api/events', headers: { host: 'evil.example' } }), 421, 'misdirected_host');
  // HEAD would hijack a stream that never ends: it is a wrong method (a HEAD answer has no body).
  assert.equal((await app.inject({ url: '/api/events', method: 'HEAD' })).statusCode, 405);
  await app.close();
  assert.equal((await Promise.all(open)).length, 32);
});
