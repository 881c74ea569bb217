// /api/metrics/* through inject(), on a real SQLite file: the bodies are what the wire
// functions make of the store's answers, byte for byte, and every bad parameter is a 400
// that names it with the code bad_parameter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, assertShape, NOW, testApp } from './test-app.ts';
import { CURL, dataset, HOUR, MAKE, MINUTE, PING, run, T0 } from '../../store/test-support.ts';
import { toApiRun } from '../serialize.ts';
import { toApiCommands, toApiStats } from '../wire/stats.ts';
import { CommandsResult, RecentResult, StatsResult } from '../../shared/api/metrics.ts';
import { FaultyStore, DISK_IO } from '../../store/fault-injection.ts';
import { NO_LIMITS } from '../../store/test-support.ts';
import { MemoryStore } from '../../store/memory-store.ts';
import type { StoredRun } from '../../store/types.ts';

test('GET /api/metrics/recent: the stored runs, newest first, serialised exactly as JSON.stringify would', async (t) => {
  const { app, store } = testApp(t);
  store.append(dataset(), NOW - HOUR);
  const res = await app.inject({ url: '/api/metrics/recent?limit=3' });
  assert.equal(res.statusCode, 200);
  const expected = store.recent({ limit: 3 }).runs;
  assert.deepEqual(
    expected.map((r) => r.id),
    [5, 4, 3],
  );
  assert.equal(res.body, JSON.stringify({ metrics: expected.map(toApiRun), count: 3, truncated: false }));
  assertShape(RecentResult, res);
  const failed = (await app.inject({ url: '/api/metrics/recent?status=failed&command=curl' })).json<RecentResult>();
  assert.deepEqual(
    failed.metrics.map((m) => m.id),
    [4],
  );
});

test('GET /api/metrics/recent: a record with every field round-trips unchanged (labels a free-form map)', async (t) => {
  const { app, store } = testApp(t);
  const full = run(
    MAKE,
    'failed',
    [
      [0.5, false, 2],
      [1.25, false, 137],
    ],
    T0 + 5 * 60_000,
    {
      strategy: 'exponential',
      exit_code: 137,
      reason: 'max retries reached (exit code 137)',
      host: 'web-1',
      // Stored keys are redacted keys: they need not match the key pattern of the socket's schema.
      labels: { team: 'infra', '*** key': 'v', 'a/b.c-d_e': '' },
    },
  );
  const [stored] = store.append([full], NOW - 1000);
  assert.ok(stored);
  const res = await app.inject({ url: '/api/metrics/recent' });
  assert.equal(res.body, JSON.stringify({ metrics: [toApiRun(stored)], count: 1, truncated: false }));
  const item = res.json<RecentResult>().metrics[0];
  assert.deepEqual(item?.metrics.labels, full.labels);
  assert.deepEqual(item?.metrics.attempts, full.attempts);
  assert.equal(item?.metrics.exit_code, 137);
  assert.equal(item?.received_at, new Date(NOW - 1000).toISOString());
});

test('GET /api/metrics/recent: bad parameters are 400 bad_parameter naming the field', async (t) => {
  const { app } = testApp(t, { store: 'memory' });
  const cases: Array<[string, string, string]> = [
    ['limit=abc', 'limit', 'limit: "abc" is not a positive integer'],
    ['limit=0', 'limit', 'limit: "0" is not a positive integer'],
    ['limit=1.5', 'limit', 'limit: "1.5" is not a positive integer'],
    ['limit=1&limit=2', 'limit', 'limit: give it once'],
    ['status=maybe', 'status', 'status: "maybe" is not one of succeeded, failed'],
    ['since=yesterday', 'since', 'since: "yesterday" is not an RFC 3339 time such as 2026-01-02T15:04:05Z'],
    ['since=2026-02-30T00:00:00Z', 'since', 'since: "2026-02-30T00:00:00Z" has day 30: February 2026 has days 01..28'],
    [`command=${'x'.repeat(4097)}`, 'command', `command: "${'x'.repeat(80)}…" is not at most 4096 characters`],
  ];
  for (const [q, field, message] of cases) {
    const body = assertError(await app.inject({ url: `/api/metrics/recent?${q}` }), 400, 'bad_parameter', field);
    assert.equal(body.error, message, q);
  }
  // Empty values are absent, and a large limit is capped rather than refused.
  assert.equal((await app.inject({ url: '/api/metrics/recent?since=&limit=5000' })).statusCode, 200);
  assert.equal((await app.inject({ url: '/api/metrics/recent?label=' })).statusCode, 200);
});

test('GET /api/metrics/recent: label=KEY=VALUE keeps the runs with that label; repeated, all of them', async (t) => {
  for (const kind of ['sqlite', 'memory'] as const) {
    const { app, store } = testApp(t, { store: kind });
    const at = (minutes: number) => T0 + minutes * 60_000;
    store.append(
      [
        run(MAKE, 'succeeded', [[1, true]], at(1), { labels: { env: 'prod', team: 'web' } }),
        run(MAKE, 'failed', [[1, false]], at(2), { labels: { env: 'prod', team: 'infra', 'a.b': 'x=y' } }),
        run(MAKE, 'succeeded', [[1, true]], at(3), { labels: { env: 'staging', team: 'web', '"q"': '' } }),
        run(MAKE, 'succeeded', [[1, true]], at(4)),
      ],
      NOW - HOUR,
    );
    const idsOf = async (query: string): Promise<number[]> => {
      const res = await app.inject({ url: `/api/metrics/recent?${query}` });
      assert.equal(res.statusCode, 200, `${kind} ${query}: ${res.body}`);
      assertShape(RecentResult, res);
      return res.json<RecentResult>().metrics.map((m) => m.id);
    };
    assert.deepEqual(await idsOf('label=env=prod'), [2, 1], kind);
    assert.deepEqual(await idsOf('label=env%3Dprod'), [2, 1], kind);
    assert.deepEqual(await idsOf('label=env=prod&label=team=web'), [1], kind);
    assert.deepEqual(await idsOf('label=env=prod&label=team=data'), [], kind);
    assert.deepEqual(await idsOf('label=env=qa'), [], kind);
    // Split at the first "=": the rest, "=" included, is the value; an empty value is a value.
    assert.deepEqual(await idsOf('label=a.b=x=y'), [2], kind);
    assert.deepEqual(await idsOf(`label=${encodeURIComponent('"q"=')}`), [3], kind);
    assert.deepEqual(await idsOf('label=team=web&status=succeeded&command=make&limit=1'), [3], kind);
    const res = await app.inject({ url: '/api/metrics/recent?label=team=web' });
    const runs = store.recent({ limit: 10, labels: [{ key: 'team', value: 'web' }] }).runs;
    assert.equal(res.body, JSON.stringify({ metrics: runs.map(toApiRun), count: 2, truncated: false }));
  }
});

test('GET /api/metrics/recent: a bad label= is a 400 bad_parameter naming label', async (t) => {
  const { app } = testApp(t, { store: 'memory' });
  const shape = 'KEY=VALUE with a key of 1..128 characters and a value of at most 1024';
  const nine = Array.from({ length: 9 }, (_, i) => `label=k${i}=v`).join('&');
  // 600 emoji: 600 code points, which the schema counts, but 1200 UTF-16 code units.
  const astral = '🙂'.repeat(600);
  const cases: Array<[string, string]> = [
    ['label=env', `label: "env" is not ${shape}`],
    ['label==prod', `label: "=prod" is not ${shape}`],
    ['label=env=prod&label=team', `label: "team" is not ${shape}`],
    ['label=&label=env=prod', `label: "" is not ${shape}`],
    [nine, 'label: at most 8 may be given'],
    [`label=${'k'.repeat(129)}=v`, `label: "${'k'.repeat(80)}…" has a key longer than 128 characters`],
    [`label=k=${'v'.repeat(1025)}`, `label: "k=${'v'.repeat(78)}…" has a value longer than 1024 characters`],
    [`label=k=${'v'.repeat(1200)}`, `label: "k=${'v'.repeat(78)}…" is not ${shape}`],
    [
      `label=k=${encodeURIComponent(astral)}`,
      `label: "k=${astral.slice(0, 78)}…" has a value longer than 1024 characters`,
    ],
  ];
  for (const [q, message] of cases) {
    const body = assertError(await app.inject({ url: `/api/metrics/recent?${q}` }), 400, 'bad_parameter', 'label');
    assert.equal(body.error, message, q.slice(0, 60));
  }
  // At the bounds: a key of 128, a value of 1024, eight labels.
  const eight = Array.from({ length: 8 }, (_, i) => `label=k${i}=v`).join('&');
  for (const q of [`label=${'k'.repeat(128)}=${'v'.repeat(1024)}`, eight])
    assert.equal((await app.inject({ url: `/api/metrics/recent?${q}` })).statusCode, 200, q.slice(0, 60));
});

test('GET /api/metrics/stats and /commands: the wire shapes of the store aggregates; bounds checked', async (t) => {
  const { app, store } = testApp(t);
  store.append(dataset(), NOW - HOUR);
  const stats = await app.inject({ url: '/api/metrics/stats' });
  assert.equal(stats.statusCode, 200);
  assert.equal(stats.body, JSON.stringify(toApiStats(store.stats(NOW - 24 * HOUR, NOW))));
  assertShape(StatsResult, stats);
  assert.equal(stats.json<StatsResult>().total_runs, 5);
  assert.equal(stats.json<StatsResult>().time_range.start, '2026-11-25T19:00:00Z');

  const start = new Date(T0).toISOString();
  const commands = await app.inject({ url: `/api/metrics/commands?start=${start}&limit=2` });
  assert.equal(commands.body, JSON.stringify(toApiCommands(store.commands(T0, NOW, 2))));
  assertShape(CommandsResult, commands);
  assert.equal(commands.json<CommandsResult>().commands.length, 2);

  for (const url of ['/api/metrics/stats', '/api/metrics/commands']) {
    const reversed = assertError(
      await app.inject({ url: `${url}?start=2026-01-02T00:00:00Z&end=2026-01-01T00:00:00Z` }),
      400,
      'bad_parameter',
      'start',
    );
    assert.equal(reversed.error, 'start: must not be after end');
    assertError(await app.inject({ url: `${url}?end=soon` }), 400, 'bad_parameter', 'end');
  }
  assertError(await app.inject({ url: '/api/metrics/commands?limit=0' }), 400, 'bad_parameter', 'limit');
});

test('GET /api/metrics/stats and /commands: command= narrows every figure to the runs whose command has it', async (t) => {
  for (const kind of ['sqlite', 'memory'] as const) {
    const { app, store } = testApp(t, { store: kind });
    store.append(dataset(), NOW - HOUR);
    const get = async (url: string): Promise<string> => {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, `${kind} ${url}: ${res.body}`);
      return res.body;
    };
    // "p" is in CURL (https) and PING, not in MAKE; 16:15 cuts the first hour.
    const start = new Date(T0 + 15 * MINUTE).toISOString();
    const stats = await get(`/api/metrics/stats?start=${start}&command=p`);
    assert.equal(stats, JSON.stringify(toApiStats(store.stats(T0 + 15 * MINUTE, NOW, { command: 'p' }))), kind);
    const s = JSON.parse(stats) as StatsResult;
    assert.deepEqual([s.total_runs, s.successful_runs, s.total_attempts], [2, 1, 3], kind);
    assert.deepEqual(
      s.top_commands.map((c) => c.command),
      [CURL, PING],
    );
    const commands = await get(`/api/metrics/commands?start=${start}&command=p&limit=1`);
    assert.equal(commands, JSON.stringify(toApiCommands(store.commands(T0 + 15 * MINUTE, NOW, 1, { command: 'p' }))));
    assert.deepEqual(
      (JSON.parse(commands) as CommandsResult).commands.map((c) => [c.command, c.count]),
      [[CURL, 1]],
    );
    // Percent-encoded, spaces and all; case-sensitive; an empty value is no filter.
    const make = JSON.parse(await get(`/api/metrics/commands?command=${encodeURIComponent('-C build')}`));
    assert.deepEqual(
      (make as CommandsResult).commands.map((c) => c.command),
      [MAKE],
    );
    assert.equal((JSON.parse(await get('/api/metrics/stats?command=MAKE')) as StatsResult).total_runs, 0);
    assert.equal(await get('/api/metrics/stats?command='), await get('/api/metrics/stats'));
    assert.equal(await get('/api/metrics/commands?command='), await get('/api/metrics/commands'));
  }
});

test('GET /api/metrics/stats and /commands: a bad command= is a 400 bad_parameter naming command', async (t) => {
  const { app } = testApp(t, { store: 'memory' });
  for (const url of ['/api/metrics/stats', '/api/metrics/commands']) {
    const long = assertError(
      await app.inject({ url: `${url}?command=${'x'.repeat(4097)}` }),
      400,
      'bad_parameter',
      'command',
    );
    assert.equal(long.error, `command: "${'x'.repeat(80)}…" is not at most 4096 characters`);
    const twice = assertError(await app.inject({ url: `${url}?command=a&command=b` }), 400, 'bad_parameter', 'command');
    assert.equal(twice.error, 'command: give it once');
    assert.equal((await app.inject({ url: `${url}?command=${'x'.repeat(4096)}` })).statusCode, 200, url);
  }
});

test('GET /api/metrics/export: json, ndjson and csv with their content types; a bad format is a 400', async (t) => {
  const { app, store } = testApp(t);
  const runs = store.append(dataset(), NOW - HOUR);
  const json = await app.inject({ url: '/api/metrics/export' });
  assert.equal(json.headers['content-type'], 'application/json');
  assert.equal(json.headers['content-disposition'], 'attachment; filename=retry-metrics-2026-11-26.json');
  assert.equal(json.body, JSON.stringify(runs.map(toApiRun)));
  const ndjson = await app.inject({ url: '/api/metrics/export?format=ndjson' });
  assert.equal(ndjson.headers['content-type'], 'application/x-ndjson');
  assert.equal(ndjson.body, runs.map((r) => `${JSON.stringify(toApiRun(r))}\n`).join(''));
  const csv = await app.inject({ url: '/api/metrics/export?format=csv' });
  assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
  assert.equal(csv.body.split('\r\n').length, 1 + runs.length + 1);
  const bad = assertError(await app.inject({ url: '/api/metrics/export?format=xml' }), 400, 'bad_parameter', 'format');
  assert.equal(bad.error, 'format: "xml" is not one of json, ndjson, csv');
});

/** A store whose export fails after `after` runs: the first page is fine, so the headers go out. */
class FailingMidway extends MemoryStore {
  constructor(private readonly after: number) {
    super(NO_LIMITS);
  }
  override *iterate(): IterableIterator<StoredRun> {
    let n = 0;
    for (const r of super.iterate()) {
      if (++n > this.after) throw DISK_IO;
      yield r;
    }
  }
}

test('GET /api/metrics/export: a store fault after the headers cuts the body short, and health hears of it', async (t) => {
  const store = new FailingMidway(1500);
  const { app } = testApp(t, { store });
  for (let i = 0; i < 4; i++)
    store.append(
      Array.from({ length: 500 }, () => dataset()[0]!),
      NOW - HOUR,
    );
  const res = await app
    .inject({ url: '/api/metrics/export?format=ndjson' })
    .catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  if (!(res instanceof Error)) {
    assert.equal(res.statusCode, 200);
    assert.ok(res.body.split('\n').length - 1 < 2000, 'the body stops short of the 2000 runs');
  }
  const health = await app.inject({ url: '/api/health' });
  assert.equal(health.statusCode, 503, health.body);
  assert.match(health.body, /"source":"reads"/);
});

test('a failing store: every query is a 503 storage_unavailable with Retry-After', async (t) => {
  const store = new FaultyStore(NO_LIMITS);
  const { app } = testApp(t, { store });
  for (const m of ['recent', 'stats', 'commands', 'iterate'] as const) store.faults.set(m, DISK_IO);
  for (const url of ['/api/metrics/recent', '/api/metrics/stats', '/api/metrics/commands', '/api/metrics/export']) {
    const res = await app.inject({ url });
    const body = assertError(res, 503, 'storage_unavailable');
    assert.equal(res.headers['retry-after'], '30', url);
    assert.equal(body.error, 'storage_error: reading the stored records failed: disk I/O error (SQLITE_IOERR_READ)');
  }
});
