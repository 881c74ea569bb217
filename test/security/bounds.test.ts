// docs/security.md, "Memory" and "Numeric poisoning", against the real daemon: records are bounded
// field by field, the store by max_store_bytes, API answers by a byte budget, and no
// record can turn /metrics or /api/metrics/stats into Infinity, null or a stuck counter.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { getJson, spawnTestDaemon, tempDir, type TestDaemon } from '../helpers/daemon.ts';
import { runRecord, send } from '../helpers/socket.ts';

const MiB = 1_048_576;
/** /api/metrics/recent's budget (RECENT_MAX_BYTES) plus room for the envelope. */
const RECENT_BODY_BOUND = 9 * MiB;
/** Generous: 1000 near-max records held and served should take a few hundred MB at most. */
const RSS_BOUND = 1536 * MiB;

/** Every field at (or near) its documented limit, in ASCII; unique by `i`. */
function nearMax(i: number): Record<string, unknown> {
  const pad = (s: string, n: number): string => s.padEnd(n, 'x');
  const attempts = Array.from({ length: 1000 }, (_, k) => ({
    duration_seconds: 1.5,
    exit_code: k === 999 ? 0 : 1,
    success: k === 999,
  }));
  const labels: Record<string, string> = {};
  for (let k = 0; k < 32; k++) labels[pad(`k${k}-`, 128)] = pad(`value-${i}-${k}-`, 1024);
  return {
    command: pad(`near-max-${i} `, 8192),
    final_status: 'succeeded',
    total_duration_seconds: 1500,
    total_attempts: 1000,
    successful_attempts: 1,
    failed_attempts: 999,
    attempts,
    strategy: pad('s', 64),
    exit_code: 0,
    reason: pad('r', 1024),
    host: pad('h', 255),
    labels,
  };
}

/** Sends documents over several connections at once, in NDJSON batches; returns every reply. */
async function sendMany(
  socketPath: string,
  docs: unknown[],
  perConnection = 50,
  parallel = 4,
): Promise<Array<Record<string, unknown>>> {
  const batches: unknown[][] = [];
  for (let i = 0; i < docs.length; i += perConnection) batches.push(docs.slice(i, i + perConnection));
  const replies: Array<Record<string, unknown>> = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < batches.length) {
        const batch = batches[next++] ?? [];
        replies.push(...(await send(socketPath, batch, { timeoutMs: 120_000 })));
      }
    }),
  );
  return replies;
}

async function text(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

/** Every sample of /metrics as [name with labels, value]. */
function samples(exposition: string): Array<[string, number]> {
  return exposition
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const at = l.lastIndexOf(' ');
      return [l.slice(0, at), Number(l.slice(at + 1))];
    });
}

function sample(exposition: string, name: string): number {
  const found = samples(exposition).find(([n]) => n === name);
  assert.ok(found, `${name} missing from /metrics`);
  return found[1];
}

function assertFiniteNumbers(value: unknown, path: string): void {
  if (value === null) assert.fail(`${path} is null (a number that JSON cannot write: Infinity or NaN)`);
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (Array.isArray(value)) value.forEach((v, i) => assertFiniteNumbers(v, `${path}.${i}`));
  else if (typeof value === 'object')
    for (const [k, v] of Object.entries(value)) assertFiniteNumbers(v, `${path}.${k}`);
}

describe('bounded memory: 1,000 near-max records', () => {
  let d: TestDaemon;
  before(async () => {
    d = await spawnTestDaemon({ args: ['-max-metrics', '2000'] });
  });
  after(async () => {
    await d?.stop();
    if (d) fs.rmSync(d.dir, { recursive: true, force: true });
  });

  test('are stored, and GET /api/metrics/recent?limit=1000 answers 200 within its size bound, RSS bounded', async (t) => {
    const replies = await sendMany(
      d.socketPath,
      Array.from({ length: 1000 }, (_, i) => nearMax(i)),
    );
    assert.equal(replies.length, 1000);
    const refused = replies.filter((r) => r.status !== 'ok');
    assert.deepEqual(refused.slice(0, 1), [], 'a record at the documented limits must be accepted');
    const recent = await text(`${d.url}/api/metrics/recent?limit=1000`);
    assert.equal(recent.status, 200);
    const bytes = Buffer.byteLength(recent.body);
    assert.ok(bytes <= RECENT_BODY_BOUND, `the answer is ${bytes} bytes, over ${RECENT_BODY_BOUND}`);
    const body = JSON.parse(recent.body) as { metrics: Array<{ id: number }>; count: number; truncated: boolean };
    assert.equal(body.truncated, true, 'a cut-short list says so');
    assert.ok(body.count >= 1 && body.count < 1000 && body.count === body.metrics.length);
    assert.equal(body.metrics[0]?.id, 1000, 'newest first, even when cut short');

    const stats = (await getJson(`${d.url}/api/daemon/stats`)).body as {
      total_metrics: number;
      store_bytes: number;
      max_store_bytes: number;
    };
    assert.equal(stats.total_metrics, 1000);
    assert.ok(stats.store_bytes <= stats.max_store_bytes);

    const commands = await text(`${d.url}/api/metrics/commands?limit=100`);
    assert.equal(commands.status, 200);
    assert.ok(
      Buffer.byteLength(commands.body) <= 2 * MiB,
      `/api/metrics/commands is ${Buffer.byteLength(commands.body)} bytes`,
    );

    const perf = (await getJson(`${d.url}/api/daemon/performance`)).body as { memory: { rss: number } };
    assert.ok(perf.memory.rss < RSS_BOUND, `daemon RSS ${perf.memory.rss} over ${RSS_BOUND}`);
    t.diagnostic(
      `recent: ${body.count} records in ${bytes} bytes; daemon RSS ${Math.round(perf.memory.rss / MiB)} MiB`,
    );
  });
});

describe('per-field limits and numeric ranges at ingest', () => {
  let d: TestDaemon;
  before(async () => {
    d = await spawnTestDaemon();
  });
  after(async () => {
    await d?.stop();
    if (d) fs.rmSync(d.dir, { recursive: true, force: true });
  });

  test('an oversize label key is refused naming labels', async () => {
    const [reply] = await send(d.socketPath, [runRecord({ labels: { ['k'.repeat(129)]: 'v' } })]);
    assert.equal(reply?.status, 'error');
    assert.match(String(reply?.error), /^labels: the key .* must be 1\.\.128 letters/);
  });

  test('numbers that would poison the sums are refused naming the field; stats and /metrics stay finite and moving', async () => {
    const poison: Array<[Record<string, unknown>, RegExp]> = [
      [{ total_attempts: 1e300 }, /^total_attempts: must be <= 1000/],
      [{ failed_attempts: 1e300 }, /^failed_attempts: must be <= 1000/],
      [{ total_duration_seconds: 1.7e308 }, /^total_duration_seconds: must be <= 31622400/],
      [
        { attempts: [{ duration_seconds: 1.7e308, exit_code: 1, success: false }] },
        /^attempts\.0\.duration_seconds: must be <= 31622400/,
      ],
      [{ timestamp: -62135596800 }, /^timestamp: must be unix seconds from 946684800 \(2000-01-01\) on/],
      [{ timestamp: '0001-01-01T00:00:00Z' }, /^timestamp: .* before 2000-01-01/],
      [{ total_attempts: 5 }, /^total_attempts: 5 does not match the 3 entries in attempts/],
      [{ attempts: [{ duration_seconds: 1, exit_code: 0 }] }, /^attempts\.0\.success: required$/],
    ];
    // Sent three times each, as in the issue: one would be enough.
    const docs = poison.flatMap(([extra]) => [runRecord(extra), runRecord(extra), runRecord(extra)]);
    const replies = await send(d.socketPath, [runRecord({ command: 'good before' }), ...docs]);
    assert.deepEqual(replies[0], { status: 'ok' });
    poison.forEach(([extra, pattern], i) => {
      for (let k = 0; k < 3; k++) {
        const reply = replies[1 + 3 * i + k];
        assert.equal(reply?.status, 'error', `${JSON.stringify(extra)} was accepted`);
        assert.match(String(reply?.error), pattern);
      }
    });

    const before = (await text(`${d.url}/metrics`)).body;
    assert.deepEqual([...(await send(d.socketPath, [runRecord({ command: 'good after' })]))], [{ status: 'ok' }]);
    const after = (await text(`${d.url}/metrics`)).body;
    for (const [name, value] of samples(after))
      if (name.startsWith('patience_')) assert.ok(Number.isFinite(value), `${name} is ${value}`);
    // Counters keep moving: one more run of 3 attempts and 3.5 s shows up exactly.
    assert.equal(sample(after, 'patience_attempts_total') - sample(before, 'patience_attempts_total'), 3);
    assert.equal(
      sample(after, 'patience_run_duration_seconds_sum') - sample(before, 'patience_run_duration_seconds_sum'),
      3.5,
    );
    assert.equal(sample(after, 'patience_run_duration_seconds_count'), 2);

    const raw = await text(`${d.url}/api/metrics/stats`);
    assert.equal(raw.status, 200);
    const stats = JSON.parse(raw.body) as Record<string, unknown>;
    assertFiniteNumbers(stats, 'stats');
    assert.equal(stats.total_runs, 2);
    assert.equal(stats.total_attempts, 6);
    // Documented integers are written as integers.
    for (const field of [
      'total_runs',
      'successful_runs',
      'failed_runs',
      'rescued_runs',
      'total_attempts',
      'average_duration',
    ]) {
      assert.match(raw.body, new RegExp(`"${field}":\\d+[,}]`), field);
    }
    assert.equal(stats.average_duration, 3_500_000_000);
  });
});

for (const storage of ['memory', 'data file'] as const) {
  test(`max_store_bytes (${storage}): the oldest records are dropped first, and /api/daemon/stats shows the budget`, async () => {
    const dir = tempDir();
    const dataFile = storage === 'data file' ? ['-data-file', path.join(dir, 'runs.db')] : [];
    const d = await spawnTestDaemon({ dir, args: ['-max-store-bytes', String(MiB), ...dataFile] });
    try {
      // ~110 KB each: 20 of them are about twice the budget.
      const replies = await sendMany(
        d.socketPath,
        Array.from({ length: 20 }, (_, i) => nearMax(i)),
        5,
        1,
      );
      assert.ok(replies.every((r) => r.status === 'ok'));
      const stats = (await getJson(`${d.url}/api/daemon/stats`)).body as {
        total_metrics: number;
        store_bytes: number;
        max_store_bytes: number;
      };
      assert.equal(stats.max_store_bytes, MiB);
      assert.ok(stats.store_bytes <= MiB, `store_bytes ${stats.store_bytes}`);
      assert.ok(stats.total_metrics > 1 && stats.total_metrics < 20, `kept ${stats.total_metrics}`);
      const recent = (await getJson(`${d.url}/api/metrics/recent?limit=1000`)).body as {
        metrics: Array<{ metrics: { command: string } }>;
      };
      const kept = recent.metrics.map((m) => Number(/^near-max-(\d+) /.exec(m.metrics.command)?.[1]));
      const newest = Array.from({ length: stats.total_metrics }, (_, k) => 19 - k);
      assert.deepEqual(kept, newest, 'the newest stay, the oldest went');
      const metrics = (await text(`${d.url}/metrics`)).body;
      assert.equal(sample(metrics, 'patience_records_max_bytes'), MiB);
      assert.equal(sample(metrics, 'patience_records_bytes'), stats.store_bytes);
    } finally {
      await d.stop();
      fs.rmSync(d.dir, { recursive: true, force: true });
    }
  });
}
