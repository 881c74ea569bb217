// GET /metrics on the real daemon fed through its socket: valid under
// `promtool check metrics`, and every patience_ value matching the dataset.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { spawnTestDaemon, tempDir, type TestDaemon } from '../helpers/daemon.ts';
import { notInstalled } from '../helpers/service.ts';
import { runRecord, send, sendRaw } from '../helpers/socket.ts';

const attempt = (s: boolean, d = 0.1) => ({ duration_seconds: d, exit_code: s ? 0 : 1, success: s });

/** Five runs: three succeeded (one rescued), two failed; 9 attempts; durations 0.2 .. 700 s. */
const DATASET = [
  runRecord({
    command: 'make test',
    final_status: 'succeeded',
    total_duration_seconds: 0.2,
    attempts: [attempt(true)],
  }),
  runRecord({
    command: 'curl -fsS https://api.example.com',
    final_status: 'succeeded',
    total_duration_seconds: 3.5,
    attempts: [attempt(false), attempt(false), attempt(true)],
  }),
  runRecord({
    command: 'make test',
    final_status: 'succeeded',
    total_duration_seconds: 0.7,
    attempts: [attempt(true)],
  }),
  runRecord({
    command: 'deploy',
    final_status: 'failed',
    total_duration_seconds: 45,
    attempts: [attempt(false), attempt(false)],
  }),
  runRecord({
    command: 'deploy',
    final_status: 'failed',
    total_duration_seconds: 700,
    attempts: [attempt(false), attempt(false)],
  }),
];

function promtool(body: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new Error(notInstalled('promtool')) : e),
    );
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(body);
  });
}

/** The value of one sample, by its exact series text. */
function sample(body: string, series: string): number | undefined {
  for (const line of body.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

for (const storage of ['memory', 'data file'] as const) {
  describe(`GET /metrics (${storage})`, { timeout: 60_000 }, () => {
    let d: TestDaemon;
    let body = '';
    let contentType = '';
    before(async () => {
      const dir = tempDir();
      d = await spawnTestDaemon({ dir, args: storage === 'data file' ? ['-data-file', path.join(dir, 'm.db')] : [] });
      assert.ok((await send(d.socketPath, DATASET)).every((r) => r.status === 'ok'));
      // Two rejections: malformed JSON and a record without a command.
      await sendRaw(d.socketPath, '{not json\n');
      await send(d.socketPath, [{ final_status: 'failed', total_duration_seconds: 1, attempts: [] }]);
      const res = await fetch(`${d.url}/metrics`);
      assert.equal(res.status, 200);
      contentType = res.headers.get('content-type') ?? '';
      body = await res.text();
    });
    after(async () => {
      assert.equal(await d.stop(), 0, d.logs());
      fs.rmSync(d.dir, { recursive: true, force: true });
    });

    test('passes promtool check metrics', async () => {
      assert.match(contentType, /^text\/plain; version=0\.0\.4/);
      const { code, output } = await promtool(body);
      assert.equal(code, 0, `promtool says:\n${output}`);
    });

    test('runs, attempts, rescued runs and the duration histogram match the dataset', () => {
      assert.equal(sample(body, 'patience_runs_total{status="succeeded"}'), 3);
      assert.equal(sample(body, 'patience_runs_total{status="failed"}'), 2);
      assert.equal(sample(body, 'patience_attempts_total'), 9);
      assert.equal(sample(body, 'patience_rescued_runs_total'), 1);
      assert.equal(sample(body, 'patience_run_duration_seconds_count'), 5);
      assert.ok(Math.abs((sample(body, 'patience_run_duration_seconds_sum') ?? 0) - 749.4) < 1e-9);
      const le = (b: string) => sample(body, `patience_run_duration_seconds_bucket{le="${b}"}`);
      assert.deepEqual(
        [le('0.1'), le('0.25'), le('1'), le('5'), le('60'), le('600'), le('3600'), le('+Inf')],
        [0, 1, 2, 3, 4, 4, 5, 5],
      );
    });

    test('records stored, ingest counters and build info', () => {
      assert.equal(sample(body, 'patience_records_stored'), 5);
      assert.equal(sample(body, 'patience_ingest_received_total'), 5);
      assert.equal(sample(body, 'patience_ingest_rejected_total{reason="invalid_json"}'), 1);
      assert.equal(sample(body, 'patience_ingest_rejected_total{reason="invalid_record"}'), 1);
      assert.equal(sample(body, 'patience_ingest_rejected_total{reason="too_large"}'), 0);
      const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };
      assert.equal(sample(body, `patience_build_info{version="${pkg.version}"}`), 1);
    });

    test('process metrics are there, without the gauges that promtool rejects, and no command labels', () => {
      assert.ok((sample(body, 'process_resident_memory_bytes') ?? 0) > 0);
      assert.match(body, /^nodejs_heap_size_used_bytes \d/m);
      assert.doesNotMatch(body, /^nodejs_active_(handles|requests|resources)_total/m);
      assert.doesNotMatch(body, /command|make test|api\.example\.com/);
    });

    test('the event-loop delay is sampled every 100 ms (an idle daemon wakes for each sample), not every 10 or 20 ms', async () => {
      const perf = async () =>
        (await (await fetch(`${d.url}/api/daemon/performance`)).json()) as {
          runtime: { uptime_seconds: number };
        };
      // A scrape resets prom-client's histogram, and the first tick after a reset only
      // starts the clock: scrapes are paced by the daemon's own uptime (0.3 s apart), which
      // /api/daemon/performance reports without touching that histogram.
      for (let scrapes = 0; scrapes < 20; scrapes++) {
        const min = sample(await (await fetch(`${d.url}/metrics`)).text(), 'nodejs_eventloop_lag_min_seconds');
        // Every sample includes the interval: a 10 ms monitor reads about 0.01 s here.
        if (min !== undefined && min < 1e3) {
          assert.ok(min >= 0.09, `nodejs_eventloop_lag_min_seconds ${min}`);
          return;
        }
        const since = (await perf()).runtime.uptime_seconds;
        while ((await perf()).runtime.uptime_seconds < since + 0.3);
      }
      assert.fail('no event-loop lag sample in 20 scrapes 0.3 s apart');
    });
  });
}
