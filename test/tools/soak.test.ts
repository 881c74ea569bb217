// bench/soak.mjs (`npm run soak`): a few seconds of it against the built daemon, with a
// max_metrics small enough that eviction happens, must print its table and summary and write
// the samples and an accounting in which every acked record was received and nothing was lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(import.meta.dirname, '..', '..', 'bench', 'soak.mjs');
const MAX_METRICS = 50;

interface Sample {
  t_s: number;
  rss: number;
  heap_used: number;
  stored: number;
  client_errors: number;
}
interface SoakResults {
  samples: Sample[];
  summary: {
    rss_trend: { mb_per_min: number; from_s: number };
    accounting: {
      sent: number;
      acked: number;
      received: number;
      stored: number;
      expected_stored: number;
      lost: number;
    };
    sse_events: number[];
    client_errors: number;
  };
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Least-squares slope, to check the printed figure is the one the samples give. */
function slope(points: { x: number; y: number }[]): number {
  const mx = points.reduce((a, p) => a + p.x, 0) / points.length;
  const my = points.reduce((a, p) => a + p.y, 0) / points.length;
  const num = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  return num / den;
}

test(
  'a short soak prints its samples and summary and writes them, with nothing lost',
  { timeout: 90_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'soak-test-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, 'soak.json');
    const r = await run([
      '--minutes',
      '0.1',
      '--rate',
      '20',
      '--sample-seconds',
      '1',
      '--max-metrics',
      String(MAX_METRICS),
      '--out',
      out,
    ]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /RSS MB +heap MB/);
    assert.match(r.stdout, /\nsummary\n/);
    assert.match(r.stdout, /RSS slope over the second half/);
    assert.match(r.stdout, /lost: 0\n/);
    assert.match(r.stdout, /client errors: 0\n/);

    const res = JSON.parse(readFileSync(out, 'utf8')) as SoakResults;
    assert.ok(res.samples.length >= 5, `${res.samples.length} samples`);
    for (const s of res.samples) {
      assert.ok(s.rss > 0 && s.heap_used > 0, JSON.stringify(s));
      assert.equal(s.client_errors, 0);
    }
    const a = res.summary.accounting;
    // 6 s at 20 records/s overflows max_metrics: eviction happened, and stored is exactly the cap.
    assert.ok(a.acked > MAX_METRICS, `${a.acked} acked`);
    assert.equal(a.acked, a.sent);
    assert.equal(a.received, a.acked);
    assert.equal(a.expected_stored, MAX_METRICS);
    assert.equal(a.stored, MAX_METRICS);
    assert.equal(a.lost, 0);
    assert.equal(res.summary.client_errors, 0);
    assert.ok(res.summary.sse_events.length >= 2);
    for (const n of res.summary.sse_events) assert.equal(n, a.acked);

    const half = res.samples.filter((s) => s.t_s >= res.summary.rss_trend.from_s);
    const expected = slope(half.map((s) => ({ x: s.t_s / 60, y: s.rss / (1024 * 1024) })));
    assert.ok(
      Math.abs(res.summary.rss_trend.mb_per_min - expected) < 1e-9,
      `${res.summary.rss_trend.mb_per_min} vs ${expected}`,
    );
  },
);
