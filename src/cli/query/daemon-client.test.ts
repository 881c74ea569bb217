import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DaemonClient } from './daemon-client.ts';
import { DaemonError, QueryRefused } from './errors.ts';
import { RequestFailed } from './http-get.ts';
import { isRecentResult } from './shapes.ts';
import { apiRun, fakeTransport, json, recent } from './test-support.ts';

const daemon = (href = 'http://127.0.0.1:9999') => ({ url: new URL(href), shown: href.replace(/\/$/, '') });
const PATH = '/api/metrics/recent';

test('the URL keeps a path prefix of the daemon URL and repeats parameters in order', () => {
  const c = new DaemonClient(daemon('https://h.example/patience/'), fakeTransport({}).transport);
  const url = c.url(PATH, [
    ['limit', '5'],
    ['label', 'team=ops'],
    ['label', 'env=prod'],
    ['command', 'a b&c'],
  ]);
  assert.equal(url.pathname, '/patience/api/metrics/recent');
  assert.deepEqual(url.searchParams.getAll('label'), ['team=ops', 'env=prod']);
  assert.equal(url.searchParams.get('command'), 'a b&c');
});

test('a checked answer comes back as it was sent', async () => {
  const body = recent([apiRun(1)]);
  const f = fakeTransport({ [PATH]: json(200, body) });
  assert.deepEqual(await new DaemonClient(daemon(), f.transport).json(PATH, [], isRecentResult), body);
});

async function failure(answer: ReturnType<typeof json> | Error): Promise<Error> {
  const f = fakeTransport({ [PATH]: answer });
  try {
    await new DaemonClient(daemon(), f.transport).json(PATH, [], isRecentResult);
  } catch (err) {
    return err as Error;
  }
  throw new Error('no failure');
}

test('nothing answering: cannot reach the daemon, with the hint', async () => {
  const err = await failure(new RequestFailed('connection refused'));
  assert.ok(err instanceof DaemonError);
  assert.equal(
    err.message,
    'cannot reach the daemon at http://127.0.0.1:9999: connection refused (is patienced running? set --daemon-url or PATIENCE_DAEMON_URL)',
  );
});

test('a server that is not a daemon: 404, HTML, other JSON, too large', async () => {
  const cases: Array<[ReturnType<typeof json> | Error, string]> = [
    [json(404, '<h1>Not Found</h1>', 'text/html'), '404'],
    [json(404, { error: 'no such endpoint', code: 'not_found' }), '404'],
    [json(200, '<html><body>hello</body></html>', 'text/html; charset=utf-8'), '200 but an HTML page'],
    [json(200, 'plain', 'text/plain'), '200 but not JSON (text/plain)'],
    [json(200, { status: 'ok' }), '200 but not the JSON a patienced daemon answers'],
    [json(500, 'Internal Server Error', 'text/plain'), '500'],
    [new RequestFailed('an answer larger than 16 bytes', 'too-large'), 'an answer larger than 16 bytes'],
  ];
  for (const [answer, why] of cases) {
    const err = await failure(answer);
    assert.ok(err instanceof DaemonError, why);
    assert.equal(err.message, `http://127.0.0.1:9999 does not answer as a patienced daemon (GET ${PATH}: ${why})`);
  }
});

test("a 400 is the daemon refusing the filter: its message; other errors of the daemon's own say so", async () => {
  const bad = await failure(
    json(400, { error: 'since: "x" is not an RFC 3339 time', code: 'bad_parameter', field: 'since' }),
  );
  assert.ok(bad instanceof QueryRefused);
  assert.equal(bad.message, 'the daemon refused the query: since: "x" is not an RFC 3339 time');
  const busy = await failure(json(503, { error: 'the store failed\u001b[2J', code: 'storage_unavailable' }));
  assert.ok(busy instanceof DaemonError);
  assert.equal(
    busy.message,
    `the daemon at http://127.0.0.1:9999 answered GET ${PATH} with 503 storage_unavailable: the store failed`,
  );
});

test('the event stream: open, or the same judgement of any other answer', async () => {
  const h = { onEvent: () => {}, onEnd: () => {} };
  const open = fakeTransport({});
  await new DaemonClient(daemon(), open.transport).events('/api/events', h);
  const busy = fakeTransport(
    {},
    { kind: 'answer', answer: json(503, { error: 'too many event streams open (32)', code: 'too_many_streams' }) },
  );
  await assert.rejects(new DaemonClient(daemon(), busy.transport).events('/api/events', h), /503 too_many_streams/);
  const html = fakeTransport({}, { kind: 'answer', answer: json(200, '<html>', 'text/html') });
  await assert.rejects(
    new DaemonClient(daemon(), html.transport).events('/api/events', h),
    /does not answer as a patienced daemon \(GET \/api\/events: 200 but an HTML page\)/,
  );
  const down = fakeTransport({}, new RequestFailed('connection refused'));
  await assert.rejects(new DaemonClient(daemon(), down.transport).events('/api/events', h), /cannot reach the daemon/);
});
