// 1. At a million stored records (max_metrics 1,000,000), in memory and with a data file,
// the daemon started as `node dist/patienced.cjs` (no Node flags, as the README's Quick
// start does): the fill, RSS per record, query latency (stats over the full range, recent
// with each filter, commands over 10,000 distinct commands), retention keeping the count
// exact while the oldest roll off, and the RSS growth of streaming the export in each format.
import http from 'node:http';
import { spawnBenchDaemon } from '../lib/daemon.mjs';
import { httpClient, makeRecords, packChunks, stream, toLineBuffers } from '../lib/load.mjs';
import { clientGc, cpuMicros, fmt, latencySummary, rssBytes, sleep, table } from '../lib/measure.mjs';

const MB = 1024 * 1024;
const RECORDS = 1_000_000;
/** Records are made and sent in slices, so the bench never holds a million of them. */
const SLICE = 100_000;
const COMMANDS = 10_000;
const EXTRA = 50_000;
const REQUESTS = 50;
const WARMUP = 5;
const MODES = [
  { id: 'memory', dataFile: false },
  { id: 'data_file', label: 'data-file', dataFile: true },
];

export default {
  id: 'scale1m',
  title: `1./2. At ${RECORDS / 1e6}M stored records: fill, memory, queries, retention, export`,
  run,
};

async function run({ progress }) {
  const nowSec = Math.floor(Date.now() / 1000);
  const results = { records: RECORDS, commands: COMMANDS, requests: REQUESTS, modes: {} };
  for (const mode of MODES) {
    progress(`scale1m: ${mode.label ?? mode.id}`);
    results.modes[mode.id] = await measureMode(mode, nowSec, progress);
  }
  return { results, text: render(results) };
}

/** The records of slice k as packed NDJSON chunks: 10,000 commands, spread over the last day. */
function slice(k, nowSec, n = SLICE) {
  return packChunks(toLineBuffers(makeRecords(n, { seed: 1000 + k, nowSec, commands: COMMANDS })));
}

async function fill(d, nowSec, progress, label) {
  let wallMs = 0;
  for (let k = 0; k < RECORDS / SLICE; k++) {
    progress(`scale1m: ${label}: filling ${(k * SLICE) / 1000}k`);
    const r = await stream(d.socketPath, slice(k, nowSec), SLICE, { expectOk: true });
    if (r.badReplies) throw new Error(`${d.label}: fill failed: ${r.firstBad}`);
    wallMs += r.wallMs;
  }
  return wallMs;
}

function endpoints(nowSec) {
  const iso = (s) => new Date(s * 1000).toISOString();
  const range = `start=${iso(nowSec - 2 * 86_400)}&end=${iso(nowSec + 60)}`;
  return [
    { id: 'stats', path: `/api/metrics/stats?${range}`, target: 'p50 ≤ 10 ms' },
    { id: 'recent', path: '/api/metrics/recent?limit=100', target: 'p50 ≤ 20 ms' },
    { id: 'recent_command', path: '/api/metrics/recent?limit=100&command=svc-77', target: 'p50 ≤ 20 ms' },
    { id: 'recent_status', path: '/api/metrics/recent?limit=100&status=failed', target: 'p50 ≤ 20 ms' },
    { id: 'recent_since', path: `/api/metrics/recent?limit=100&since=${iso(nowSec - 3600)}`, target: 'p50 ≤ 20 ms' },
    {
      id: 'recent_until',
      path: `/api/metrics/recent?limit=100&until=${iso(nowSec - 20 * 3600)}`,
      target: 'p50 ≤ 20 ms',
    },
    { id: 'commands', path: `/api/metrics/commands?limit=100&${range}`, target: 'p50 ≤ 50 ms' },
  ];
}

async function timeEndpoint(client, d, e) {
  for (let i = 0; i < WARMUP; i++) await client.get(e.path);
  clientGc();
  const ms = [];
  let bytes = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const r = await client.get(e.path);
    if (r.status !== 200)
      throw new Error(`${d.label}: GET ${e.path} answered ${r.status}: ${r.body.toString().slice(0, 300)}`);
    ms.push(r.ms);
    bytes = r.body.length;
  }
  return { path: e.path, target: e.target, bytes, ...latencySummary(ms) };
}

/** Streams one export, discarding it, while sampling the daemon's RSS every 50 ms. */
function exportGrowth(d, format) {
  return new Promise((resolve, reject) => {
    const base = rssBytes(d.pid);
    let peak = base;
    const timer = setInterval(() => (peak = Math.max(peak, rssBytes(d.pid))), 50);
    let bytes = 0;
    const t0 = Date.now();
    http
      .get(`${d.url}/api/metrics/export?format=${format}`, (res) => {
        res.on('data', (c) => (bytes += c.length));
        res.on('end', () => {
          clearInterval(timer);
          resolve({ status: res.statusCode, bytes, wall_ms: Date.now() - t0, rss_base: base, rss_growth: peak - base });
        });
        res.on('error', reject);
      })
      .on('error', (err) => {
        clearInterval(timer);
        reject(err);
      });
  });
}

async function measureMode(mode, nowSec, progress) {
  const label = mode.label ?? mode.id;
  const d = await spawnBenchDaemon({
    label: `patienced (${label}, no Node flags)`,
    dataFile: mode.dataFile,
    // The byte budget (256 MiB by default) would evict first: a million of these records
    // cost about 270 MB (record-cost.ts). The count is the limit under test here.
    args: ['-max-metrics', String(RECORDS), '-max-store-bytes', String(4 * 1024 * MB)],
    nodeFlags: [],
  });
  const client = httpClient(d.url);
  try {
    const eps = endpoints(nowSec);
    for (const e of eps) await client.get(e.path);
    await sleep(1_500);
    const rssStart = rssBytes(d.pid);
    const cpu0 = cpuMicros(d.pid);
    const fillMs = await fill(d, nowSec, progress, label);
    const fillCpuUs = cpuMicros(d.pid) - cpu0;
    d.assertAlive();
    await sleep(3_000);
    const rssFull = rssBytes(d.pid);
    const storedFull = (await client.json('/api/daemon/stats')).json?.total_metrics;
    if (storedFull !== RECORDS) throw new Error(`${d.label}: ${storedFull} stored after the fill, not ${RECORDS}`);

    const latency = {};
    for (const e of eps) {
      progress(`scale1m: ${label}: ${e.id}`);
      latency[e.id] = await timeEndpoint(client, d, e);
    }

    progress(`scale1m: ${label}: retention`);
    const extra = await stream(d.socketPath, slice(99, nowSec, EXTRA), EXTRA, { expectOk: true });
    if (extra.badReplies) throw new Error(`${d.label}: the extra records failed: ${extra.firstBad}`);
    const stats = (await client.json('/api/daemon/stats')).json;

    const exports = {};
    for (const format of ['json', 'ndjson', 'csv']) {
      progress(`scale1m: ${label}: export ${format}`);
      exports[format] = await exportGrowth(d, format);
    }
    return {
      data_file: mode.dataFile,
      fill: { wall_ms: fillMs, records_per_sec: RECORDS / (fillMs / 1000), cpu_us_per_record: fillCpuUs / RECORDS },
      memory: { rss_start: rssStart, rss_full: rssFull, bytes_per_record: (rssFull - rssStart) / RECORDS },
      latency,
      retention: { sent: RECORDS + EXTRA, stored: stats?.total_metrics, max_metrics: stats?.max_size },
      exports,
    };
  } finally {
    client.close();
    await d.stop();
  }
}

function render(results) {
  const modes = Object.entries(results.modes);
  const name = (id) => MODES.find((m) => m.id === id).label ?? id;
  const rows = [];
  for (const [id, m] of modes) {
    for (const l of Object.values(m.latency)) {
      rows.push([
        name(id),
        `GET ${l.path.replace(/start=[^&]+&end=[^&]+/, 'start=-2d&end=now')}`,
        fmt(l.p50, 2),
        fmt(l.p99, 2),
        l.target,
      ]);
    }
  }
  const memRows = modes.map(([id, m]) => [
    name(id),
    fmt(m.fill.records_per_sec),
    fmt(m.fill.cpu_us_per_record, 1),
    fmt(m.memory.rss_full / MB, 0),
    fmt(m.memory.bytes_per_record, 0),
    m.data_file ? '—' : '≤ 300 B',
    `${m.retention.stored} of ${m.retention.sent}`,
  ]);
  const expRows = [];
  for (const [id, m] of modes) {
    for (const [format, e] of Object.entries(m.exports)) {
      expRows.push([name(id), format, fmt(e.bytes / MB, 0), fmt(e.wall_ms), fmt(e.rss_growth / MB, 1), '≤ 50 MB']);
    }
  }
  return [
    table(['store', 'fill rec/s', 'CPU µs/rec', 'RSS MB', 'RSS B/rec', 'target', 'kept after +50k'], memRows),
    '',
    table(['store', 'endpoint', 'p50 ms', 'p99 ms', 'target'], rows),
    '',
    table(['store', 'export', 'MB', 'ms', 'RSS growth MB', 'target'], expRows),
  ].join('\n');
}
