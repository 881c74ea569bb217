// Every HTTP endpoint's shape and values, against a dataset sent through the real socket,
// with the in-memory store and with a data file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { getJson, spawnTestDaemon, tempDir, type TestDaemon } from '../helpers/daemon.ts';
import { runRecord, send } from '../helpers/socket.ts';

const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const near = (actual: unknown, expected: number, tol = 0.02): void => {
  assert.equal(typeof actual, 'number');
  assert.ok(
    Math.abs((actual as number) - expected) <= Math.abs(expected) * tol + 1e-9,
    `${String(actual)} ≈ ${expected}`,
  );
};
const ok = (s: boolean) => ({ duration_seconds: 0.1, exit_code: s ? 0 : 1, success: s });

for (const storage of ['memory', 'data file'] as const) {
  describe(`HTTP API (${storage})`, () => {
    let d: TestDaemon;
    // Two whole hours, both well inside the default 24 h window.
    const H = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
    const dataset = [
      runRecord({
        command: 'deploy a',
        final_status: 'succeeded',
        total_duration_seconds: 1,
        attempts: [ok(true)],
        timestamp: (H + 10 * 60_000) / 1000,
      }),
      runRecord({
        command: 'deploy a',
        final_status: 'succeeded',
        total_duration_seconds: 3,
        attempts: [ok(false), ok(true)],
        timestamp: (H + 20 * 60_000) / 1000,
      }),
      runRecord({
        command: 'deploy a',
        final_status: 'failed',
        total_duration_seconds: 6,
        attempts: [ok(false), ok(false), ok(false)],
        timestamp: (H + HOUR + 5 * 60_000) / 1000,
      }),
      runRecord({
        command: 'make, test',
        final_status: 'succeeded',
        total_duration_seconds: 2,
        attempts: [ok(true)],
        timestamp: (H + HOUR + 10 * 60_000) / 1000,
      }),
      runRecord({
        command: 'ping "c"',
        final_status: 'failed',
        total_duration_seconds: 8,
        attempts: [ok(false)],
        timestamp: (H + HOUR + 15 * 60_000) / 1000,
        strategy: 'fixed',
        exit_code: 1,
        reason: 'max retries reached (exit code 1)',
        host: 'web-1',
        labels: { team: 'infra' },
      }),
    ];

    before(async () => {
      const dir = tempDir();
      const args = ['-max-metrics', '500'];
      if (storage === 'data file') args.push('-data-file', path.join(dir, 'metrics.db'));
      d = await spawnTestDaemon({ dir, args });
      const replies = await send(d.socketPath, dataset);
      assert.ok(
        replies.every((r) => r.status === 'ok'),
        JSON.stringify(replies),
      );
    });
    after(async () => {
      assert.equal(await d.stop(), 0, d.logs());
      fs.rmSync(d.dir, { recursive: true, force: true });
    });

    test('GET /api/metrics/recent: newest first, the original shape', async () => {
      const { status, body } = await getJson(`${d.url}/api/metrics/recent`);
      assert.equal(status, 200);
      const b = body as { metrics: Array<Record<string, unknown>>; count: number };
      assert.equal(b.count, 5);
      assert.deepEqual(
        b.metrics.map((m) => (m.metrics as { command: string }).command),
        ['ping "c"', 'make, test', 'deploy a', 'deploy a', 'deploy a'],
      );
      const first = b.metrics[0] as {
        id: number;
        timestamp: string;
        received_at: string;
        metrics: Record<string, unknown>;
      };
      assert.equal(typeof first.id, 'number');
      assert.equal(Date.parse(first.timestamp), H + HOUR + 15 * 60_000);
      assert.ok(Number.isFinite(Date.parse(first.received_at)));
      assert.deepEqual(first.metrics, {
        command: 'ping "c"',
        command_hash: first.metrics.command_hash,
        final_status: 'failed',
        total_duration_seconds: 8,
        total_attempts: 1,
        successful_attempts: 0,
        failed_attempts: 1,
        attempts: [ok(false)],
        timestamp: first.timestamp,
        strategy: 'fixed',
        exit_code: 1,
        reason: 'max retries reached (exit code 1)',
        host: 'web-1',
        labels: { team: 'infra' },
      });
    });

    test('GET /api/metrics/recent: filters and limits', async () => {
      const cmds = async (q: string): Promise<string[]> => {
        const { status, body } = await getJson(`${d.url}/api/metrics/recent?${q}`);
        assert.equal(status, 200, q);
        return (body as { metrics: Array<{ metrics: { command: string } }> }).metrics.map((m) => m.metrics.command);
      };
      assert.deepEqual(await cmds('status=failed'), ['ping "c"', 'deploy a']);
      assert.deepEqual(await cmds('command=make'), ['make, test']);
      assert.deepEqual(await cmds(`since=${encodeURIComponent(iso(H + HOUR))}`), [
        'ping "c"',
        'make, test',
        'deploy a',
      ]);
      assert.deepEqual(await cmds('limit=2'), ['ping "c"', 'make, test']);
      assert.equal((await cmds('limit=5000')).length, 5, 'a large limit is capped, not refused');
      assert.deepEqual(await cmds('status=succeeded&command=deploy'), ['deploy a', 'deploy a']);
    });

    test('GET /api/metrics/recent: bad parameters are 400s naming them', async () => {
      for (const [q, name] of [
        ['limit=0', 'limit'],
        ['limit=abc', 'limit'],
        ['status=maybe', 'status'],
        ['since=yesterday', 'since'],
      ] as const) {
        const { status, body } = await getJson(`${d.url}/api/metrics/recent?${q}`);
        assert.equal(status, 400, q);
        assert.match((body as { error: string }).error, new RegExp(`^${name}:`));
      }
    });

    test('GET /api/metrics/stats: the original fields and the additions', async () => {
      const { status, body } = await getJson(`${d.url}/api/metrics/stats`);
      assert.equal(status, 200);
      const s = body as Record<string, unknown>;
      assert.equal(s.total_runs, 5);
      assert.equal(s.successful_runs, 3);
      assert.equal(s.failed_runs, 2);
      near(s.success_rate, 0.6, 1e-9);
      near(s.average_attempts, 1.6, 1e-9);
      assert.equal(s.average_duration, 4_000_000_000);
      near(s.average_duration_seconds, 4, 1e-9);
      assert.equal(s.total_attempts, 8);
      assert.equal(s.rescued_runs, 1);
      const p = s.duration_seconds as Record<string, number>;
      near(p.p50, 3);
      near(p.p90, 8);
      near(p.p99, 8);
      assert.equal(p.max, 8);
      assert.deepEqual(s.top_commands, [
        { command: 'deploy a', count: 3, success_rate: 2 / 3, avg_duration: 3_333_333_333 },
        { command: 'make, test', count: 1, success_rate: 1, avg_duration: 2_000_000_000 },
        { command: 'ping "c"', count: 1, success_rate: 0, avg_duration: 8_000_000_000 },
      ]);
      assert.deepEqual(s.hourly_breakdown, [
        { hour: iso(H), total_runs: 2, success_rate: 1 },
        { hour: iso(H + HOUR), total_runs: 3, success_rate: 1 / 3 },
      ]);
      const range = s.time_range as { start: string; end: string };
      near(Date.parse(range.end) - Date.parse(range.start), 24 * HOUR, 0.001);
    });

    test('GET /api/metrics/stats: bounds select runs, including inside an hour', async () => {
      const q = (start: number, end: number) =>
        `${d.url}/api/metrics/stats?start=${encodeURIComponent(iso(start))}&end=${encodeURIComponent(iso(end))}`;
      let s = (await getJson(q(H, H + HOUR - 1000))).body as Record<string, unknown>;
      assert.equal(s.total_runs, 2);
      assert.equal(s.rescued_runs, 1);
      s = (await getJson(q(H + 15 * 60_000, H + HOUR + 12 * 60_000))).body as Record<string, unknown>;
      assert.equal(s.total_runs, 3, 'the second, third and fourth runs');
      assert.equal(s.successful_runs, 2);
      s = (await getJson(q(H - 10 * HOUR, H - 9 * HOUR))).body as Record<string, unknown>;
      assert.equal(s.total_runs, 0);
      assert.equal(s.success_rate, 0);
      assert.deepEqual(s.top_commands, []);
    });

    test('GET /api/metrics/stats: a bad or reversed bound is a 400 naming it', async () => {
      let r = await getJson(`${d.url}/api/metrics/stats?start=soon`);
      assert.equal(r.status, 400);
      assert.match((r.body as { error: string }).error, /^start:/);
      r = await getJson(`${d.url}/api/metrics/stats?end=2026-13-45T99:00:00Z`);
      assert.equal(r.status, 400);
      assert.match((r.body as { error: string }).error, /^end:/);
      r = await getJson(`${d.url}/api/metrics/stats?start=2026-01-02T00:00:00Z&end=2026-01-01T00:00:00Z`);
      assert.equal(r.status, 400);
      assert.match((r.body as { error: string }).error, /^start: must not be after end/);
    });

    test('GET /api/metrics/commands: the busiest commands with exact figures', async () => {
      const { status, body } = await getJson(`${d.url}/api/metrics/commands`);
      assert.equal(status, 200);
      const b = body as { time_range: { start: string; end: string }; commands: Array<Record<string, unknown>> };
      near(Date.parse(b.time_range.end) - Date.parse(b.time_range.start), 24 * HOUR, 0.001);
      assert.deepEqual(b.commands, [
        {
          command: 'deploy a',
          count: 3,
          successful_runs: 2,
          failed_runs: 1,
          success_rate: 2 / 3,
          rescued_runs: 1,
          average_attempts: 2,
          average_duration_seconds: 10 / 3,
          duration_seconds: { p50: 3, p90: 6, p99: 6, max: 6 },
          last_run: iso(H + HOUR + 5 * 60_000),
        },
        {
          command: 'make, test',
          count: 1,
          successful_runs: 1,
          failed_runs: 0,
          success_rate: 1,
          rescued_runs: 0,
          average_attempts: 1,
          average_duration_seconds: 2,
          duration_seconds: { p50: 2, p90: 2, p99: 2, max: 2 },
          last_run: iso(H + HOUR + 10 * 60_000),
        },
        {
          command: 'ping "c"',
          count: 1,
          successful_runs: 0,
          failed_runs: 1,
          success_rate: 0,
          rescued_runs: 0,
          average_attempts: 1,
          average_duration_seconds: 8,
          duration_seconds: { p50: 8, p90: 8, p99: 8, max: 8 },
          last_run: iso(H + HOUR + 15 * 60_000),
        },
      ]);
      const one = (
        await getJson(
          `${d.url}/api/metrics/commands?limit=1&start=${encodeURIComponent(iso(H))}&end=${encodeURIComponent(iso(H + HOUR - 1000))}`,
        )
      ).body as { commands: Array<{ command: string; count: number }> };
      assert.deepEqual(
        one.commands.map((c) => [c.command, c.count]),
        [['deploy a', 2]],
      );
      for (const [q, name] of [
        ['limit=0', 'limit'],
        ['start=soon', 'start'],
        ['start=2026-01-02T00:00:00Z&end=2026-01-01T00:00:00Z', 'start'],
      ] as const) {
        const r = await getJson(`${d.url}/api/metrics/commands?${q}`);
        assert.equal(r.status, 400, q);
        assert.match((r.body as { error: string }).error, new RegExp(`^${name}:`));
      }
    });

    test('GET /api/metrics/recent: until= bounds the run time from above', async () => {
      const { body } = await getJson(`${d.url}/api/metrics/recent?until=${encodeURIComponent(iso(H + HOUR))}`);
      assert.deepEqual(
        (body as { metrics: Array<{ metrics: { command: string } }> }).metrics.map((m) => m.metrics.command),
        ['deploy a', 'deploy a'],
      );
      const bad = await getJson(`${d.url}/api/metrics/recent?until=later`);
      assert.equal(bad.status, 400);
      assert.match((bad.body as { error: string }).error, /^until:/);
    });

    test('GET /api/metrics/export: json, ndjson and csv', async () => {
      let res = await fetch(`${d.url}/api/metrics/export`);
      assert.equal(res.status, 200);
      assert.match(
        res.headers.get('content-disposition') ?? '',
        /^attachment; filename=retry-metrics-\d{4}-\d{2}-\d{2}\.json$/,
      );
      const json = (await res.json()) as Array<{ metrics: { command: string } }>;
      assert.deepEqual(
        json.map((r) => r.metrics.command),
        ['deploy a', 'deploy a', 'deploy a', 'make, test', 'ping "c"'],
      );
      res = await fetch(`${d.url}/api/metrics/export?format=ndjson`);
      const lines = (await res.text()).trim().split('\n');
      assert.equal(lines.length, 5);
      assert.equal((JSON.parse(lines[4] ?? '') as { metrics: { host: string } }).metrics.host, 'web-1');
      res = await fetch(`${d.url}/api/metrics/export?format=csv`);
      assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
      const csv = (await res.text()).trim().split('\r\n');
      assert.equal(csv.length, 6);
      assert.match(csv[0] ?? '', /^id,timestamp,received_at,command,/);
      assert.match(csv[4] ?? '', /,"make, test",/);
      assert.match(csv[5] ?? '', /,"ping ""c""",/);
      const bad = await getJson(`${d.url}/api/metrics/export?format=xml`);
      assert.equal(bad.status, 400);
      assert.match((bad.body as { error: string }).error, /^format:/);
    });

    test('GET /api/daemon/stats', async () => {
      const { body } = await getJson(`${d.url}/api/daemon/stats`);
      const s = body as Record<string, unknown>;
      assert.equal(s.total_metrics, 5);
      assert.equal(s.max_size, 500);
      assert.equal(s.max_age, '24h0m0s');
      assert.ok(s.last_cleanup === null || Number.isFinite(Date.parse(String(s.last_cleanup))));
      assert.equal(s.received, 5);
      assert.equal(s.socket_path, d.socketPath);
      assert.equal(`http://${String(s.http)}`, d.url);
      assert.equal(s.storage, storage === 'memory' ? 'memory' : path.join(d.dir, 'metrics.db'));
      assert.equal(typeof s.uptime_seconds, 'number');
      assert.equal(typeof (s.rejected as Record<string, number>).invalid_json, 'number');
    });

    test('GET /api/daemon/performance', async () => {
      const { body } = await getJson(`${d.url}/api/daemon/performance`);
      const p = body as Record<string, Record<string, unknown>>;
      for (const k of ['rss', 'heap_used', 'heap_total', 'external', 'array_buffers'])
        assert.equal(typeof p.memory?.[k], 'number', k);
      assert.equal(typeof p.gc?.count, 'number');
      assert.equal(typeof p.event_loop?.delay_p99_ms, 'number');
      assert.ok((p.event_loop?.utilization as number) >= 0 && (p.event_loop?.utilization as number) <= 1);
      assert.equal(p.runtime?.node_version, process.version);
      assert.equal(p.runtime?.pid, d.child.pid);
      assert.equal(typeof p.cpu?.user_seconds, 'number');
    });

    test('GET /api/health', async () => {
      const { status, body } = await getJson(`${d.url}/api/health`);
      assert.equal(status, 200);
      const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
      const h = body as { status: string; timestamp: number; version: string };
      assert.equal(h.status, 'healthy');
      assert.equal(h.version, pkg.version);
      assert.ok(Math.abs(h.timestamp - Date.now() / 1000) < 60);
    });

    test('unknown paths are 404 and wrong methods 405 with Allow, as JSON', async () => {
      const nf = await getJson(`${d.url}/api/nope`);
      assert.equal(nf.status, 404);
      assert.match((nf.body as { error: string }).error, /no such endpoint/);
      const res = await fetch(`${d.url}/api/health`, { method: 'POST' });
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), 'GET, HEAD');
      assert.match(((await res.json()) as { error: string }).error, /POST/);
      for (const name of ['constructor', '__proto__', '..%2Fpatienced.cjs', 'index.html']) {
        const asset = await fetch(`${d.url}/assets/${name}`);
        assert.equal(asset.status, 404, name);
      }
      const js = await fetch(`${d.url}/assets/dashboard.js`);
      assert.equal(js.status, 200);
      assert.match(js.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      const page = await fetch(`${d.url}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /\/api\/metrics\/recent/);
    });
  });
}
