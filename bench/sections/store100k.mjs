// 2. Stats and recent latency at 100k records, and 3. RSS per stored record at 100k,
// each in memory and with a data file.
import { spawnBenchDaemon } from '../lib/daemon.mjs';
import { httpClient, makeRecords, packChunks, stream, toLineBuffers } from '../lib/load.mjs';
import { clientGc, cpuMicros, fmt, latencySummary, rssBytes, sleep, table } from '../lib/measure.mjs';

const RECORDS = 100_000;
const REQUESTS = 200;
const WARMUP_REQUESTS = 10;
const SETTLE_MS = 3_000;
const ENDPOINTS = [
  { id: 'stats', path: '/api/metrics/stats', target: 'p50 ≤ 10 ms (Go ≈ 110 ms)' },
  { id: 'recent', path: '/api/metrics/recent?limit=100', target: '' },
];
const MODES = [
  { id: 'memory', dataFile: false },
  { id: 'data_file', label: 'data-file', dataFile: true },
];
const TARGET_BYTES = 400;

export default {
  id: 'store100k',
  title: `2./3. At ${RECORDS / 1000}k stored records: query latency and memory`,
  run,
};

async function run({ progress }) {
  const nowSec = Math.floor(Date.now() / 1000);
  const chunks = packChunks(toLineBuffers(makeRecords(RECORDS, { seed: 7, nowSec })));
  const results = { records: RECORDS, requests: REQUESTS, modes: {} };
  for (const mode of MODES) {
    progress(`store100k: ${mode.label ?? mode.id}`);
    results.modes[mode.id] = await measureMode(mode, chunks);
  }
  return { results, text: render(results) };
}

async function measureMode(mode, chunks) {
  const d = await spawnBenchDaemon({
    label: `patienced (${mode.label ?? mode.id})`,
    dataFile: mode.dataFile,
    args: ['-max-metrics', '200000'],
  });
  const http = httpClient(d.url);
  try {
    // Start-up: load the HTTP paths once, then let it settle.
    for (const p of ['/api/health', ...ENDPOINTS.map((e) => e.path)]) await http.get(p);
    await sleep(1_500);
    const rssStart = rssBytes(d.pid);
    const memStart = await daemonMemory(http);

    clientGc();
    const cpu0 = cpuMicros(d.pid);
    const fill = await stream(d.socketPath, chunks, RECORDS, { expectOk: true });
    const fillCpuUs = cpuMicros(d.pid) - cpu0;
    d.assertAlive();
    if (fill.badReplies) throw new Error(`${d.label}: fill failed: ${fill.firstBad}`);

    const samples = [];
    for (let t = 0; t < SETTLE_MS; t += 500) {
      await sleep(500);
      samples.push(rssBytes(d.pid));
    }
    const rssFull = samples[samples.length - 1];
    const memFull = await daemonMemory(http);
    const stored = (await http.json('/api/daemon/stats')).json?.total_metrics;

    const latency = {};
    let totalRuns;
    for (const e of ENDPOINTS) {
      for (let i = 0; i < WARMUP_REQUESTS; i++) await http.get(e.path);
      clientGc();
      const ms = [];
      let first;
      for (let i = 0; i < REQUESTS; i++) {
        const r = await http.get(e.path);
        if (r.status !== 200)
          throw new Error(`${d.label}: GET ${e.path} answered ${r.status}: ${r.body.toString().slice(0, 300)}`);
        ms.push(r.ms);
        first ??= r.body;
      }
      const body = JSON.parse(first.toString());
      if (e.id === 'stats') totalRuns = body.total_runs;
      latency[e.id] = { path: e.path, bytes: first.length, count: body.count, ...latencySummary(ms) };
    }
    const rssAfterQueries = rssBytes(d.pid);
    return {
      data_file: mode.dataFile,
      stored,
      stats_total_runs: totalRuns,
      fill: {
        wall_ms: fill.wallMs,
        records_per_sec: RECORDS / (fill.wallMs / 1000),
        cpu_us_per_record: fillCpuUs / RECORDS,
      },
      memory: {
        rss_start: rssStart,
        rss_full: rssFull,
        rss_settle_samples: samples,
        rss_after_queries: rssAfterQueries,
        bytes_per_record: (rssFull - rssStart) / RECORDS,
        // The daemon's own view (process.memoryUsage() via /api/daemon/performance).
        reported_start: memStart,
        reported_full: memFull,
        heap_ext_bytes_per_record: memStart && memFull ? (heapExt(memFull) - heapExt(memStart)) / RECORDS : undefined,
        v8_heap_unused_full: memFull ? memFull.heap_total - memFull.heap_used : undefined,
      },
      latency,
    };
  } finally {
    http.close();
    await d.stop();
  }
}

/** { rss, heap_used, heap_total, external, array_buffers } as the daemon reports them. */
async function daemonMemory(http) {
  try {
    const m = (await http.json('/api/daemon/performance')).json?.memory;
    return typeof m?.heap_used === 'number' ? m : undefined;
  } catch {
    return undefined;
  }
}

/** V8 heap in use plus memory outside it (buffers, typed arrays), garbage not yet collected included. */
const heapExt = (m) => m.heap_used + (m.external ?? 0);

const MB = 1024 * 1024;

function render(results) {
  const modes = Object.entries(results.modes);
  const name = (id) => MODES.find((m) => m.id === id).label ?? id;
  const latRows = [];
  for (const [id, m] of modes) {
    for (const e of ENDPOINTS) {
      const l = m.latency[e.id];
      latRows.push([name(id), `GET ${e.path}`, fmt(l.p50, 2), fmt(l.p90, 2), fmt(l.p99, 2), fmt(l.max, 2), e.target]);
    }
  }
  const memRows = modes.map(([id, m]) => [
    name(id),
    fmt(m.memory.rss_start / MB, 1),
    fmt(m.memory.rss_full / MB, 1),
    fmt((m.memory.rss_full - m.memory.rss_start) / MB, 1),
    fmt(m.memory.bytes_per_record),
    fmt(m.memory.heap_ext_bytes_per_record),
    fmt(m.memory.v8_heap_unused_full / MB, 1),
    `≤ ${TARGET_BYTES} B in memory (Go 680–900 B)`,
  ]);
  const fillRows = modes.map(([id, m]) => [
    name(id),
    fmt(m.stored),
    fmt(m.stats_total_runs),
    fmt(m.fill.records_per_sec),
    fmt(m.fill.cpu_us_per_record, 1),
  ]);
  return [
    `  2. Query latency at ${fmt(results.records)} records: ${results.requests} sequential GETs each on one keep-alive connection, ms`,
    table(['store', 'endpoint', 'p50', 'p90', 'p99', 'max', 'target'], latRows, 'llrrrrl'),
    '',
    `  3. Memory at ${fmt(results.records)} records (VmRSS after start-up, and ${SETTLE_MS / 1000} s after the fill)`,
    table(
      [
        'store',
        'RSS start MB',
        'RSS 100k MB',
        'Δ MB',
        'RSS B/record',
        'heap+ext B/record',
        'V8 heap unused MB',
        'target',
      ],
      memRows,
      'lrrrrrrl',
    ),
    '  heap+ext = Δ(heap_used + external) as the daemon reports it; V8 heap unused = heap_total − heap_used at 100k:',
    '  heap V8 grew during the fill and keeps committed (it counts in RSS).',
    '',
    '  The fill (100k records, NDJSON stream on one connection, -max-metrics 200000)',
    table(['store', 'stored', 'stats total_runs', 'rec/s', 'daemon µs CPU/rec'], fillRows),
  ].join('\n');
}
