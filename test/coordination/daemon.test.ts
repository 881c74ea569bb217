// The daemon side of host-wide rate limits (docs/coordination.md) against the real
// daemon: acquire on the socket, alone and inside an NDJSON stream, bad requests named by
// field, the resource bound and its evictions, the window surviving a restart, and the
// /api/coordination and /metrics views.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { getJson, spawnTestDaemon, tempDir, type TestDaemon } from '../helpers/daemon.ts';
import { runRecord, send } from '../helpers/socket.ts';
import type {
  CoordinationResource as Resource,
  CoordinationResult as Coordination,
} from '../../src/shared/api/coordination.ts';

const acquire = (resource_id: string, rate_limit: number, window_seconds: number): Record<string, unknown> => ({
  type: 'acquire',
  resource_id,
  rate_limit,
  window_seconds,
});
const RFC3339_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

async function coordination(d: TestDaemon, query = ''): Promise<Coordination> {
  const r = await getJson(`${d.url}/api/coordination${query}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body as Coordination;
}

describe('acquire on the socket', () => {
  let d: TestDaemon;
  before(async () => {
    d = await spawnTestDaemon();
  });
  after(async () => {
    assert.equal(await d.stop(), 0, d.logs());
    fs.rmSync(d.dir, { recursive: true, force: true });
  });

  test("the Go client's single document (no newline) is granted", async () => {
    const replies = await send(d.socketPath, [acquire('api.github.com', 100, 3600)], { trailingNewline: false });
    assert.deepEqual(replies, [{ status: 'ok', granted: true }]);
    // One of 100 slots taken: the next is free now.
    const free = (await coordination(d)).resources.find((r) => r.resource_id === 'api.github.com');
    assert.equal(free?.next_free_at, null);
    assert.equal(free?.granted_in_window, 1);
  });

  test('inside an NDJSON stream, mixed with run records, answered in order; the last slot is taken once', async () => {
    const before = Date.now();
    const replies = await send(d.socketPath, [
      runRecord({ command: 'first' }),
      acquire('stream.example', 2, 30),
      acquire('stream.example', 2, 30),
      runRecord({ command: 'between' }),
      acquire('stream.example', 2, 30),
      acquire('stream.example', 2, 30),
      runRecord({ command: 'last' }),
    ]);
    assert.equal(replies.length, 7);
    assert.deepEqual(replies[0], { status: 'ok' });
    assert.deepEqual(replies[1], { status: 'ok', granted: true });
    assert.deepEqual(replies[2], { status: 'ok', granted: true });
    assert.deepEqual(replies[3], { status: 'ok' });
    for (const i of [4, 5]) {
      const r = replies[i];
      assert.equal(r?.status, 'ok');
      assert.equal(r?.granted, false);
      assert.match(String(r?.wait_until), RFC3339_MS);
      // The oldest grant leaves the 30 s window: about 30 s from now.
      const wait = Date.parse(String(r?.wait_until));
      assert.ok(wait >= before + 30_000 && wait <= Date.now() + 30_000, `wait_until ${String(r?.wait_until)}`);
    }
    assert.deepEqual(replies[6], { status: 'ok' });

    // Two clients at once on a fresh resource with one slot: exactly one wins.
    const both = await Promise.all([
      send(d.socketPath, [acquire('race', 1, 60)]),
      send(d.socketPath, [acquire('race', 1, 60)]),
    ]);
    assert.equal(both.flat().filter((r) => r.granted === true).length, 1);
    assert.equal(both.flat().filter((r) => r.granted === false).length, 1);

    const c = await coordination(d);
    const s = c.resources.find((r) => r.resource_id === 'stream.example');
    assert.deepEqual(
      { ...s, next_free_at: typeof s?.next_free_at, last_used_at: typeof s?.last_used_at },
      {
        resource_id: 'stream.example',
        rate_limit: 2,
        window_seconds: 30,
        granted_in_window: 2,
        granted_total: 2,
        refused_total: 2,
        next_free_at: 'string',
        last_used_at: 'string',
      },
    );
    assert.match(String(s?.next_free_at), RFC3339_MS);
    // Newest use first: 'race' was used last.
    assert.equal(c.resources[0]?.resource_id, 'race');
  });

  test('each bad acquire is answered with an error naming the field, and counted', async () => {
    const statsBefore = (await getJson(`${d.url}/api/daemon/stats`)).body as { rejected: Record<string, number> };
    const bad: Array<[Record<string, unknown>, RegExp]> = [
      [
        { type: 'acquire', resource_id: 'x', window_seconds: 3 },
        /^rate_limit: must be a positive integer \(got nothing\)$/,
      ],
      [acquire('x', 0, 3), /^rate_limit: must be a positive integer \(got 0\)$/],
      [acquire('x', -2, 3), /^rate_limit: must be a positive integer \(got -2\)$/],
      [acquire('x', 2.5, 3), /^rate_limit: must be a positive integer \(got 2\.5\)$/],
      [acquire('x', 1_000_000, 3), /^rate_limit: must be at most 100000/],
      [
        { type: 'acquire', resource_id: 'x', rate_limit: 2 },
        /^window_seconds: must be a positive number of seconds \(got nothing\)$/,
      ],
      [acquire('x', 2, 0), /^window_seconds: must be a positive number of seconds \(got 0\)$/],
      [acquire('x', 2, -1), /^window_seconds: must be a positive number of seconds \(got -1\)$/],
      [acquire('x', 2, 8 * 86_400), /^window_seconds: must be at most 604800/],
      [acquire('', 2, 3), /^resource_id: must not be empty/],
      [{ type: 'acquire', rate_limit: 2, window_seconds: 3 }, /^resource_id: must be a non-empty string/],
      [acquire('h'.repeat(257), 2, 3), /^resource_id: must be at most 256 characters \(got 257\)/],
      [acquire('a\u001bb', 2, 3), /^resource_id: must not contain control characters/],
    ];
    const replies = await send(d.socketPath, [...bad.map(([doc]) => doc), acquire('after-bad', 1, 1)]);
    assert.equal(replies.length, bad.length + 1);
    bad.forEach(([, re], i) => {
      assert.equal(replies[i]?.status, 'error');
      assert.match(String(replies[i]?.error), re);
    });
    assert.deepEqual(replies[bad.length], { status: 'ok', granted: true }, 'the connection goes on after bad requests');
    const statsAfter = (await getJson(`${d.url}/api/daemon/stats`)).body as { rejected: Record<string, number> };
    assert.equal((statsAfter.rejected.invalid_acquire ?? 0) - (statsBefore.rejected.invalid_acquire ?? 0), bad.length);
    // Nothing bad became a resource.
    assert.equal(
      (await coordination(d)).resources.some((r) => r.resource_id === 'x' || r.resource_id === ''),
      false,
    );
  });

  test('/api/coordination: limit is checked and bounds the list', async () => {
    await send(d.socketPath, [acquire('limit-a', 5, 60), acquire('limit-b', 5, 60)]);
    const one = await coordination(d, '?limit=1');
    assert.equal(one.resources.length, 1);
    assert.ok(one.count >= 2);
    assert.equal(one.max_resources, 10_000);
    const bad = await getJson(`${d.url}/api/coordination?limit=0`);
    assert.equal(bad.status, 400);
    assert.match(String((bad.body as { error: string }).error), /^limit: /);
  });

  test('/metrics counts grants and refusals per resource', async () => {
    const one = acquire('metrics.example', 2, 30);
    assert.deepEqual(
      (await send(d.socketPath, [one, one, one, one, one])).map((r) => r.granted),
      [true, true, false, false, false],
    );
    const r = await fetch(`${d.url}/metrics`);
    const text = await r.text();
    assert.match(text, /^patience_coordination_grants_total\{resource="metrics\.example"\} 2$/m);
    assert.match(text, /^patience_coordination_refusals_total\{resource="metrics\.example"\} 3$/m);
    assert.match(text, /^patience_coordination_refusals_total\{resource="other"\} 0$/m);
    assert.match(text, /^patience_coordination_resources \d+$/m);
    assert.match(text, /^patience_coordination_evictions_total 0$/m);
  });
});

describe('the resource bound', () => {
  let d: TestDaemon;
  before(async () => {
    d = await spawnTestDaemon({ args: ['-max-rate-limit-resources', '2'] });
  });
  after(async () => {
    assert.equal(await d.stop(), 0, d.logs());
    fs.rmSync(d.dir, { recursive: true, force: true });
  });

  test('an idle resource is evicted for a new one, counted; live ones are never forgotten', async () => {
    // 'brief' has a 1 ms window, so it is idle at once; 'live' holds a grant for an hour.
    assert.deepEqual(await send(d.socketPath, [acquire('brief', 1, 0.001), acquire('live', 1, 3600)]), [
      { status: 'ok', granted: true },
      { status: 'ok', granted: true },
    ]);
    // 'brief' is the least recently used and idle: it goes (asked until its 1 ms has passed).
    const deadline = Date.now() + 5000;
    let reply: Record<string, unknown> | undefined;
    do {
      [reply] = await send(d.socketPath, [acquire('newcomer', 1, 3600)]);
    } while (reply?.status === 'error' && Date.now() < deadline);
    assert.deepEqual(reply, { status: 'ok', granted: true });
    const c = await coordination(d);
    assert.deepEqual(
      c.resources.map((r) => r.resource_id),
      ['newcomer', 'live'],
    );
    assert.equal(c.evicted_total, 1);
    assert.equal(c.max_resources, 2);
    // Both left hold live grants: a third is refused with a reason, and nothing is forgotten.
    const [full] = await send(d.socketPath, [acquire('third', 1, 1)]);
    assert.equal(full?.status, 'error');
    assert.match(
      String(full?.error),
      /^resource_id: the daemon already tracks 2 resources \(max_rate_limit_resources\)/,
    );
    const after = await coordination(d);
    assert.equal(after.count, 2);
    assert.equal(after.evicted_total, 1);
    assert.deepEqual(await send(d.socketPath, [acquire('live', 1, 3600)]).then((r) => r[0]?.granted), false);
    const metrics = await (await fetch(`${d.url}/metrics`)).text();
    assert.match(metrics, /^patience_coordination_evictions_total 1$/m);
    assert.match(metrics, /^patience_coordination_resources 2$/m);
    const stats = (await getJson(`${d.url}/api/daemon/stats`)).body as { rejected: Record<string, number> };
    assert.equal(stats.rejected.coordination_full, 1);
  });
});

describe('persistence with a data file', () => {
  const dir = tempDir();
  let d: TestDaemon | undefined;
  after(async () => {
    await d?.stop('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the window survives a restart (even kill -9): a burst right after it is refused', async () => {
    const dataFile = path.join(dir, 'patience.db');
    d = await spawnTestDaemon({ dir, args: ['-data-file', dataFile] });
    const burst = [acquire('db.example', 2, 600), acquire('db.example', 2, 600), acquire('db.example', 2, 600)];
    const first = await send(d.socketPath, burst);
    assert.deepEqual(
      first.map((r) => r.granted),
      [true, true, false],
    );
    // Acknowledged means stored: no clean shutdown needed.
    await d.stop('SIGKILL');
    d = await spawnTestDaemon({ dir, args: ['-data-file', dataFile] });
    const again = await send(d.socketPath, burst);
    assert.deepEqual(
      again.map((r) => r.granted),
      [false, false, false],
    );
    assert.match(String(again[0]?.wait_until), RFC3339_MS);
    const c = await coordination(d);
    const r = c.resources.find((x) => x.resource_id === 'db.example');
    assert.equal(r?.granted_in_window, 2);
    assert.equal(r?.refused_total, 3);
    // A clean stop and start keep it too.
    assert.equal(await d.stop(), 0, d.logs());
    d = await spawnTestDaemon({ dir, args: ['-data-file', dataFile] });
    assert.equal((await send(d.socketPath, [acquire('db.example', 2, 600)]))[0]?.granted, false);
  });

  test('in memory nothing is persisted: a restart starts an empty ledger', async () => {
    const m1 = await spawnTestDaemon();
    try {
      assert.equal((await send(m1.socketPath, [acquire('mem', 1, 600)]))[0]?.granted, true);
    } finally {
      await m1.stop();
    }
    const m2 = await spawnTestDaemon({ dir: m1.dir });
    try {
      assert.equal((await coordination(m2)).count, 0);
      assert.equal((await send(m2.socketPath, [acquire('mem', 1, 600)]))[0]?.granted, true);
    } finally {
      await m2.stop();
      fs.rmSync(m1.dir, { recursive: true, force: true });
    }
  });
});
