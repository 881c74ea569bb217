// `npm run soak -- --minutes N`: a steady ingest plus API and SSE readers against one built
// daemon, sampling its RSS, heap and event-loop delay over time. Prints a table of samples
// and a summary (the RSS slope over the second half of the run, lost records, client
// errors) and writes everything to .bench/soak-<timestamp>.json. Figures, not verdicts.
//
// node bench/soak.mjs [--minutes 10] [--rate 200] [--stream-fraction 0.2] [--data-file]
//                     [--max-metrics 50000] [--sample-seconds 10] [--sse-clients 3] [--out FILE]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { ROOT, cleanUpOnExit, spawnBenchDaemon, stopAll } from './lib/daemon.mjs';
import { httpClient, makeRecords, toLineBuffers } from './lib/load.mjs';
import { loadAverage, rssBytes } from './lib/measure.mjs';
import { startIngest, startPoller, startSseReaders } from './lib/soak-load.mjs';
import { latencyFigures, samplesTable, secondHalfTrend, summaryText } from './lib/soak-report.mjs';

const { values: opt } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '200' },
    'stream-fraction': { type: 'string', default: '0.2' },
    'data-file': { type: 'boolean', default: false },
    'max-metrics': { type: 'string', default: '50000' },
    'sample-seconds': { type: 'string', default: '10' },
    'sse-clients': { type: 'string', default: '3' },
    out: { type: 'string' },
  },
});
const cfg = {
  minutes: Number(opt.minutes),
  rate: Number(opt.rate),
  stream_fraction: Number(opt['stream-fraction']),
  data_file: opt['data-file'],
  max_metrics: Number(opt['max-metrics']),
  sample_seconds: Number(opt['sample-seconds']),
  sse_clients: Number(opt['sse-clients']),
};
for (const [k, v] of Object.entries(cfg)) {
  if (typeof v === 'number' && !(v >= 0 && Number.isFinite(v))) {
    process.stderr.write(`--${k.replaceAll('_', '-')} must be a number ≥ 0\n`);
    process.exit(2);
  }
}

cleanUpOnExit();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    process.stderr.write(`\n${sig}: stopping the soak's processes\n`);
    void stopAll().finally(() => process.exit(130));
  });
}

const startedAt = new Date();
const loadBefore = loadAverage();
const daemon = await spawnBenchDaemon({
  label: 'patienced (soak)',
  dataFile: cfg.data_file,
  args: ['-max-metrics', String(cfg.max_metrics)],
});
const api = httpClient(daemon.url);
// 2,000 distinct records, timestamps within the last hour so none expire by age during the run.
const lines = toLineBuffers(makeRecords(2000, { seed: 11, spanSec: 3600 }));
console.log(
  `soak: ${cfg.minutes} min, ${cfg.rate} records/s (${cfg.stream_fraction * 100} % as NDJSON streams), ` +
    `max_metrics ${cfg.max_metrics}, ${cfg.data_file ? 'data file' : 'in memory'}, ${cfg.sse_clients} SSE clients, ` +
    `a sample every ${cfg.sample_seconds} s; daemon pid ${daemon.pid} at ${daemon.url}; load average ${loadBefore.join(' ')}`,
);

const sse = await startSseReaders({ url: daemon.url, n: cfg.sse_clients });
const poller = startPoller({ url: daemon.url });
const ingest = startIngest({
  socketPath: daemon.socketPath,
  lines,
  rate: cfg.rate,
  streamFraction: cfg.stream_fraction,
});
const t0 = performance.now();
const samples = [];
const allReads = [];
let lastAcked = 0;
let lastT = 0;

/** One sample: /proc RSS, /api/daemon/performance and /stats, and the clients' counts. */
async function sample() {
  daemon.assertAlive();
  const t = (performance.now() - t0) / 1000;
  const rss = rssBytes(daemon.pid);
  const [perf, stats] = await Promise.all([api.json('/api/daemon/performance'), api.json('/api/daemon/stats')]);
  const ing = ingest.counts();
  const polled = poller.take();
  const reads = [...polled.latencies].filter(([route]) => route !== 'performance').flatMap(([, ms]) => ms);
  allReads.push(...reads);
  const rf = latencyFigures(reads);
  const s = {
    t_s: Math.round(t * 10) / 10,
    rss,
    heap_used: perf.json.memory.heap_used,
    heap_total: perf.json.memory.heap_total,
    reported_rss: perf.json.memory.rss,
    eld_p50_ms: perf.json.event_loop.delay_p50_ms,
    eld_p99_ms: Math.max(polled.eld.p99_ms, perf.json.event_loop.delay_p99_ms),
    eld_max_ms: Math.max(polled.eld.max_ms, perf.json.event_loop.delay_max_ms),
    elu: perf.json.event_loop.utilization,
    stored: stats.json.total_metrics,
    received: stats.json.received,
    acked: ing.acked,
    backlog: ing.backlog,
    ingest_rate: (ing.acked - lastAcked) / (t - lastT || 1),
    read_p50_ms: rf.p50,
    read_p99_ms: rf.p99,
    reads: rf.n,
    client_errors: ing.errors + poller.counts().errors + sse.counts().errors,
    load1: loadAverage()[0],
  };
  lastAcked = ing.acked;
  lastT = t;
  samples.push(s);
  if (process.stderr.isTTY) {
    process.stderr.write(
      `\x1b[2K\r… ${s.t_s} s: RSS ${(rss / 1048576).toFixed(1)} MB, stored ${s.stored}, errors ${s.client_errors}`,
    );
  }
}

const runMs = cfg.minutes * 60_000;
let failed;
try {
  while (performance.now() - t0 < runMs) {
    const nextAt = (samples.length + 1) * cfg.sample_seconds * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(nextAt, runMs) - (performance.now() - t0))));
    await sample();
  }
} catch (err) {
  failed = err;
}
if (process.stderr.isTTY) process.stderr.write('\x1b[2K\r');

await ingest.stop();
await poller.stop();
const final = failed ? undefined : await finalAccounting();
if (final) await sseCaughtUp(final.acked);
sse.stop();
api.close();
await stopAll();

const runSeconds = (performance.now() - t0) / 1000;
const results = { started_at: startedAt.toISOString(), config: cfg, machine: machine(), samples };
if (final) {
  results.summary = summarize(final, runSeconds);
  console.log(`\n${samplesTable(samples)}\n\nsummary\n${summaryText(results.summary)}`);
}
if (failed) {
  results.error = String(failed?.stack ?? failed);
  console.error(`soak failed: ${results.error}`);
  process.exitCode = 1;
}
const outFile = opt.out ?? path.join(ROOT, '.bench', `soak-${startedAt.toISOString().replaceAll(/[:.]/g, '-')}.json`);
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nfull results in ${outFile.startsWith(ROOT) ? path.relative(ROOT, outFile) : outFile}`);

/** After the load stops: every acked record received, and stored == min(acked, max_metrics). */
async function finalAccounting() {
  const stats = (await api.json('/api/daemon/stats')).json;
  const perf = (await api.json('/api/daemon/performance')).json;
  const ing = ingest.counts();
  const expected = Math.min(ing.acked, cfg.max_metrics);
  return {
    sent: ing.sent,
    acked: ing.acked,
    received: stats.received,
    rejected_total: stats.rejected_total,
    stored: stats.total_metrics,
    expected_stored: expected,
    lost: Math.max(0, expected - stats.total_metrics) + Math.max(0, ing.acked - stats.received),
    sse_dropped_slow: stats.event_streams.dropped_slow,
    gc: perf.gc,
    cpu: perf.cpu,
  };
}

/** Waits (up to 5 s) for every SSE client to have read an event per acked record. */
async function sseCaughtUp(acked) {
  const deadline = performance.now() + 5000;
  while (sse.counts().events.some((n) => n < acked) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
  }
}

function summarize(a, seconds) {
  const ing = ingest.counts();
  const firstError = ing.firstError ?? poller.counts().firstError ?? sse.counts().firstError;
  return {
    seconds,
    target_rate: cfg.rate,
    achieved_rate: a.acked / seconds,
    rss_start: samples[0]?.rss,
    rss_end: samples.at(-1)?.rss,
    rss_max: Math.max(...samples.map((s) => s.rss)),
    rss_trend: secondHalfTrend(samples, 'rss', seconds),
    heap_trend: secondHalfTrend(samples, 'heap_used', seconds),
    eld_max_ms: Math.max(...samples.map((s) => s.eld_max_ms)),
    eld_p99_worst_ms: Math.max(...samples.map((s) => s.eld_p99_ms)),
    eld_note:
      'it includes the 100 ms sampling interval of its timer (EVENT_LOOP_SAMPLE_MS); per sample, the worst of the 10 s windows read every second',
    accounting: a,
    sse_events: sse.counts().events,
    sse_dropped_slow: a.sse_dropped_slow,
    reads: latencyFigures(allReads),
    client_errors: ing.errors + poller.counts().errors + sse.counts().errors,
    first_error: firstError,
    load_before: loadBefore,
    load_after: loadAverage(),
  };
}

function machine() {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
    cpus: cpus.length,
    cpu_model: cpus[0]?.model,
    total_memory: os.totalmem(),
  };
}
