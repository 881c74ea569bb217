// `patience runs` through queryMain, with a fake daemon: the table, JSON, NDJSON, the
// label check, and --follow driven event by event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryMain } from './main.ts';
import { recentQuery } from './runs.ts';
import { apiRun, fakeDeps, fakeTransport, json, recent } from './test-support.ts';
import { displayWidth } from './terminal-text.ts';
import type { ApiRun } from '../../shared/api/runs.ts';

const RECENT = '/api/metrics/recent';
const RUNS = [
  apiRun(3, {
    command: 'curl -fsS https://api.example.com/v1/items?page=1 \u001b[31m--retry 0',
    final_status: 'failed',
    total_attempts: 5,
    total_duration_seconds: 12.5,
    strategy: 'decorrelated-jitter',
    exit_code: 22,
    timestamp: '2026-11-30T11:57:00Z',
    labels: { team: 'ops' },
  }),
  apiRun(2, { timestamp: '2026-11-30T09:00:00Z', labels: { team: 'ops' } }),
];

test('the table: each run in a row, newest first, fitted to COLUMNS', async () => {
  for (const width of [80, 200, 50]) {
    const f = fakeTransport({ [RECENT]: json(200, recent(RUNS)) });
    const { deps, out } = fakeDeps(f.transport, {
      env: { PATIENCE_DAEMON_URL: 'http://127.0.0.1:9999', COLUMNS: String(width) },
    });
    assert.equal(await queryMain(['runs'], deps), 0);
    const lines = out.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    for (const l of lines) assert.ok(displayWidth(l) <= width, `${width}: ${l}`);
    assert.match(lines[0] ?? '', /^STATUS {2}COMMAND/);
    assert.match(lines[1] ?? '', /^FAILED {2}curl -fsS/);
    assert.doesNotMatch(out.stdout, /\u001b/, 'no colour off a terminal, and no escape from a command');
    if (width === 200) {
      assert.match(
        lines[1] ?? '',
        /curl -fsS https:\/\/api\.example\.com\/v1\/items\?page=1 --retry 0 +5 +12\.5s +decorrelated-jitter +22 +3m ago$/,
      );
      assert.match(lines[2] ?? '', /^ok {6}make deploy +2 +3\.5s +exponential +0 +3h ago$/);
    }
    if (width === 80) assert.match(lines[1] ?? '', /…/);
  }
});

test('colour on a terminal, not with NO_COLOR', async () => {
  const f = fakeTransport({ [RECENT]: json(200, recent(RUNS)) });
  const tty = fakeDeps(f.transport, { stdoutIsTTY: true, stdoutColumns: 120 });
  await queryMain(['runs'], tty.deps);
  assert.match(tty.out.stdout, /\u001b\[31mFAILED\u001b\[0m/);
  assert.match(tty.out.stdout, /\u001b\[32mok\u001b\[0m/);
  const no = fakeDeps(f.transport, {
    stdoutIsTTY: true,
    stdoutColumns: 120,
    env: { PATIENCE_DAEMON_URL: 'http://x', NO_COLOR: '1' },
  });
  await queryMain(['runs'], no.deps);
  assert.doesNotMatch(no.out.stdout, /\u001b/);
});

test('--json prints the answer as data; --ndjson one run a line; no runs says so', async () => {
  const body = recent(RUNS);
  const f = fakeTransport({ [RECENT]: json(200, body) });
  const j = fakeDeps(f.transport);
  assert.equal(await queryMain(['runs', '--json'], j.deps), 0);
  assert.deepEqual(JSON.parse(j.out.stdout), body);
  const n = fakeDeps(f.transport);
  assert.equal(await queryMain(['runs', '--ndjson'], n.deps), 0);
  assert.deepEqual(
    n.out.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown),
    body.metrics,
  );
  const none = fakeDeps(fakeTransport({ [RECENT]: json(200, recent([])) }).transport);
  assert.equal(await queryMain(['runs'], none.deps), 0);
  assert.equal(none.out.stdout, 'No matching runs.\n');
});

test('the filters become the query string; labels as repeated label=K=V', () => {
  const q = recentQuery({
    daemonUrl: undefined,
    configPath: undefined,
    command: 'make',
    status: 'failed',
    sinceMs: Date.parse('2026-11-30T11:00:00Z'),
    untilMs: undefined,
    labels: [
      ['team', 'ops'],
      ['env', 'prod'],
    ],
    limit: 5,
    format: 'table',
    follow: false,
  });
  assert.deepEqual(q, [
    ['limit', '5'],
    ['command', 'make'],
    ['status', 'failed'],
    ['since', '2026-11-30T11:00:00.000Z'],
    ['label', 'team=ops'],
    ['label', 'env=prod'],
  ]);
});

test('a daemon that ignored label= is not believed: exit 3', async () => {
  const mixed = [...RUNS, apiRun(1, { command: 'no labels' })];
  const f = fakeTransport({ [RECENT]: json(200, recent(mixed)) });
  const { deps, out } = fakeDeps(f.transport);
  assert.equal(await queryMain(['runs', '--label', 'team=ops'], deps), 3);
  assert.match(out.stderr, /^patience: the daemon at http:\/\/127\.0\.0\.1:9999 ignored the label filter/);
  assert.equal(f.asked[0]?.searchParams.get('label'), 'team=ops');
  const good = fakeDeps(fakeTransport({ [RECENT]: json(200, recent(RUNS)) }).transport);
  assert.equal(await queryMain(['runs', '--label', 'team=ops'], good.deps), 0);
});

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !check(); i++) await tick();
  assert.ok(check(), 'the awaited state came');
}

const event = (run: ApiRun) => ({ type: 'run', data: JSON.stringify(run), id: String(run.id) });

test('--follow: the listing oldest first, then new matching runs, until stopped (exit 0)', async () => {
  const f = fakeTransport({ [RECENT]: json(200, recent(RUNS)) });
  const { deps, out, stop, stopInstalled } = fakeDeps(f.transport, {
    env: { PATIENCE_DAEMON_URL: 'http://x', COLUMNS: '100' },
  });
  const done = queryMain(['runs', '--follow', '--status', 'failed'], deps);
  await until(() => out.stdout.includes('curl'));
  const first = out.stdout.trimEnd().split('\n');
  assert.match(first[1] ?? '', /make deploy/, 'oldest at the top');
  assert.match(first[2] ?? '', /curl/);
  f.stream().onEvent(event(apiRun(3, { command: 'already listed', final_status: 'failed' })));
  f.stream().onEvent(event(apiRun(4, { command: 'live ok', final_status: 'succeeded' })));
  f.stream().onEvent(event(apiRun(5, { command: 'live failure', final_status: 'failed' })));
  f.stream().onEvent({ type: 'message', data: 'not a run', id: undefined });
  await until(() => out.stdout.includes('live failure'));
  assert.doesNotMatch(out.stdout, /already listed|live ok/);
  for (const l of out.stdout.trimEnd().split('\n')) assert.ok(displayWidth(l) <= 100);
  assert.ok(stopInstalled());
  stop();
  assert.equal(await done, 0);
  assert.ok(f.closed(), 'the stream is closed');
  assert.equal(out.stderr, '');
  assert.equal(f.asked[0]?.pathname, '/api/events', 'the stream is opened before the listing is asked for');
});

test('--follow: runs stored while the listing is fetched are printed after it, once', async () => {
  const f = fakeTransport({});
  // The listing is answered only after two runs came down the stream: one it holds, one it does not.
  f.transport.get = async (url) => {
    f.asked.push(url);
    f.stream().onEvent(event(apiRun(2, { command: 'in both' })));
    f.stream().onEvent(event(apiRun(3, { command: 'only streamed' })));
    return json(200, recent([apiRun(2, { command: 'in both' })]));
  };
  const { deps, out, stop } = fakeDeps(f.transport);
  const done = queryMain(['runs', '--follow', '--ndjson'], deps);
  await until(() => out.stdout.includes('only streamed'));
  stop();
  assert.equal(await done, 0);
  assert.deepEqual(
    out.stdout
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as ApiRun).metrics.command),
    ['in both', 'only streamed'],
  );
});

test('--follow: the daemon closing the stream is one line on stderr and exit 3', async () => {
  const f = fakeTransport({ [RECENT]: json(200, recent(RUNS)) });
  const { deps, out } = fakeDeps(f.transport);
  const done = queryMain(['runs', '--follow'], deps);
  await until(() => out.stdout.includes('curl'));
  f.stream().onEnd('closed the event stream');
  assert.equal(await done, 3);
  assert.equal(
    out.stderr,
    'patience: the daemon at http://127.0.0.1:9999 closed the event stream; no longer following\n',
  );
});

test('--follow: an event that is not a run is not followed', async () => {
  const f = fakeTransport({ [RECENT]: json(200, recent(RUNS)) });
  const { deps, out } = fakeDeps(f.transport);
  const done = queryMain(['runs', '--follow'], deps);
  await until(() => out.stdout.includes('curl'));
  f.stream().onEvent({ type: 'run', data: '{"id":"x"}', id: undefined });
  assert.equal(await done, 3);
  assert.match(out.stderr, /does not answer as a patienced daemon \(GET \/api\/events: an event that is not a run\)/);
});

test('--follow: Ctrl-C while the daemon is slow to answer ends at once, with 0', async () => {
  const f = fakeTransport({});
  f.transport.openEvents = () => new Promise(() => {});
  const { deps, out, stop, stopInstalled } = fakeDeps(f.transport);
  const done = queryMain(['runs', '--follow'], deps);
  await until(stopInstalled);
  stop();
  assert.equal(await done, 0);
  assert.equal(out.stdout + out.stderr, '');

  const slow = fakeTransport({});
  slow.transport.get = () => new Promise(() => {});
  const s = fakeDeps(slow.transport);
  const listing = queryMain(['runs', '--follow'], s.deps);
  await until(() => slow.asked.length === 1 && s.stopInstalled());
  s.stop();
  assert.equal(await listing, 0);
  assert.ok(slow.closed(), 'the open stream is closed');
});
