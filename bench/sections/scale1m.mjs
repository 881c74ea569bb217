// 1. At a million stored records (max_metrics 1,000,000), in memory and with a data file,
// the daemon started as `node dist/patienced.cjs` (no Node flags, as the README's Quick
// start does): the fill, RSS per record, query latency (stats over the full range, recent
// with each filter, commands over 10,000 distinct commands), retention keeping the count
// exact while the oldest roll off, the dashboard's first load in headless Chromium, and the
// RSS growth and speed of streaming the export in each format.
//
// To iterate on one part (each run still fills a million records first):
//   SCALE1M_MODES=memory|data_file          only that store (comma-separated; default both)
//   SCALE1M_PARTS=queries,dashboard,export  only those parts (default all; queries includes
//                                           the retention check)
// e.g. SCALE1M_MODES=memory SCALE1M_PARTS=export node --expose-gc bench/run.mjs scale1m
// Without Chromium (or playwright-core) the dashboard part is skipped with a note.
import { spawnBenchDaemon } from '../lib/daemon.mjs';
import { httpClient, makeRecords, packChunks, stream, toLineBuffers } from '../lib/load.mjs';
import { clientGc, cpuMicros, fmt, latencySummary, median, rssBytes, sleep, table } from '../lib/measure.mjs';
import { exportGrowth } from '../lib/export-growth.mjs';
import { browserMissing, dashboardLoads } from '../lib/dashboard-load.mjs';

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
const PARTS = ['queries', 'dashboard', 'export'];
const FORMATS = ['json', 'ndjson', 'csv'];
/** Each format is exported this many times, interleaved (json, ndjson, csv, json, ...). */
const EXPORT_ROUNDS = 2;
/** Dashboard loads: the first with a cold browser cache, the rest warm. */
const DASHBOARD_LOADS = 6;

/** A comma-separated choice from an environment variable, checked against what exists. */
function chosen(name, all) {
  const raw = process.env[name];
  if (!raw) return all;
  const picked = raw.split(',').map((v) => v.trim());
  const unknown = picked.filter((v) => !all.includes(v));
  if (unknown.length) throw new Error(`${name}: unknown ${unknown.join(', ')}; choose from ${all.join(', ')}`);
  return all.filter((v) => picked.includes(v));
}

export default {
  id: 'scale1m',
  title: `1./2. At ${RECORDS / 1e6}M stored records: fill, memory, queries, retention, dashboard, export`,
  run,
};

async function run({ progress }) {
  const nowSec = Math.floor(Date.now() / 1000);
  const modes = chosen(
    'SCALE1M_MODES',
    MODES.map((m) => m.id),
  );
  const parts = new Set(chosen('SCALE1M_PARTS', PARTS));
  const browser = parts.has('dashboard') ? await browserMissing() : undefined;
  const results = { records: RECORDS, commands: COMMANDS, requests: REQUESTS, parts: [...parts], modes: {} };
  if (browser) results.dashboard_skipped = browser;
  for (const mode of MODES.filter((m) => modes.includes(m.id))) {
    progress(`scale1m: ${mode.label ?? mode.id}`);
    results.modes[mode.id] = await measureMode(mode, nowSec, progress, { parts, browser });
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
  // The records span the 23 h 45 min before now: both bounds inside it and inside an hour
  // (moved off one if need be), as the dashboard's default "last 24 h" falls on a longer history.
  const offHour = (s) => (s % 3600 === 0 ? s - 1 : s);
  const midHours = `start=${iso(offHour(nowSec - 84_600))}&end=${iso(offHour(nowSec - 1_800))}`;
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
    // Like the dashboard's default range: its bounds fall inside hours, whose runs in range
    // the store summarises from its records rather than from the hourly aggregates.
    {
      id: 'commands_mid_hours',
      path: `/api/metrics/commands?limit=100&${midHours}`,
      shown: 'GET /api/metrics/commands?limit=100&start=-23.5h&end=-0.5h',
      target: 'p50 ≤ 50 ms',
    },
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
  return { path: e.path, shown: e.shown, target: e.target, bytes, ...latencySummary(ms) };
}

/** Each format EXPORT_ROUNDS times, interleaved; per format the worst growth and the median speed. */
async function exports(d, label, progress) {
  const runs = Object.fromEntries(FORMATS.map((f) => [f, []]));
  for (let round = 0; round < EXPORT_ROUNDS; round++) {
    for (const format of FORMATS) {
      progress(`scale1m: ${label}: export ${format} (${round + 1}/${EXPORT_ROUNDS})`);
      const r = await exportGrowth(d, format);
      if (r.status !== 200) throw new Error(`${d.label}: export ${format} answered ${r.status}`);
      runs[format].push(r);
    }
  }
  return Object.fromEntries(
    FORMATS.map((f) => [
      f,
      {
        bytes: runs[f][0].bytes,
        rss_growth_max: Math.max(...runs[f].map((r) => r.rss_growth)),
        mb_per_sec: median(runs[f].map((r) => r.mb_per_sec)),
        wall_ms: median(runs[f].map((r) => r.wall_ms)),
        runs: runs[f],
      },
    ]),
  );
}

// Long because it is the section's one script: start, fill, then each chosen part in order.
async function measureMode(mode, nowSec, progress, { parts, browser }) {
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
    const out = {
      data_file: mode.dataFile,
      fill: { wall_ms: fillMs, records_per_sec: RECORDS / (fillMs / 1000), cpu_us_per_record: fillCpuUs / RECORDS },
      memory: { rss_start: rssStart, rss_full: rssFull, bytes_per_record: (rssFull - rssStart) / RECORDS },
    };

    if (parts.has('queries')) {
      out.latency = {};
      for (const e of eps) {
        progress(`scale1m: ${label}: ${e.id}`);
        out.latency[e.id] = await timeEndpoint(client, d, e);
      }
      progress(`scale1m: ${label}: retention`);
      const extra = await stream(d.socketPath, slice(99, nowSec, EXTRA), EXTRA, { expectOk: true });
      if (extra.badReplies) throw new Error(`${d.label}: the extra records failed: ${extra.firstBad}`);
      const stats = (await client.json('/api/daemon/stats')).json;
      out.retention = { sent: RECORDS + EXTRA, stored: stats?.total_metrics, max_metrics: stats?.max_size };
    }
    if (parts.has('dashboard') && !browser) {
      progress(`scale1m: ${label}: dashboard in Chromium`);
      out.dashboard = await dashboardLoads(`${d.url}/`, DASHBOARD_LOADS);
      d.assertAlive();
    }
    if (parts.has('export')) out.exports = await exports(d, label, progress);
    return out;
  } finally {
    client.close();
    await d.stop();
  }
}

function render(results) {
  const modes = Object.entries(results.modes);
  const name = (id) => MODES.find((m) => m.id === id).label ?? id;
  const memRows = modes.map(([id, m]) => [
    name(id),
    fmt(m.fill.records_per_sec),
    fmt(m.fill.cpu_us_per_record, 1),
    fmt(m.memory.rss_full / MB, 0),
    fmt(m.memory.bytes_per_record, 0),
    m.data_file ? '—' : '≤ 300 B',
    m.retention ? `${m.retention.stored} of ${m.retention.sent}` : '–',
  ]);
  const out = [
    table(['store', 'fill rec/s', 'CPU µs/rec', 'RSS MB', 'RSS B/rec', 'target', 'kept after +50k'], memRows),
  ];
  const latRows = [];
  for (const [id, m] of modes) {
    for (const l of Object.values(m.latency ?? {})) {
      latRows.push([
        name(id),
        l.shown ?? `GET ${l.path.replace(/start=[^&]+&end=[^&]+/, 'start=-2d&end=now')}`,
        fmt(l.p50, 2),
        fmt(l.p99, 2),
        l.target,
      ]);
    }
  }
  if (latRows.length) out.push('', table(['store', 'endpoint', 'p50 ms', 'p99 ms', 'target'], latRows));
  out.push(...renderDashboard(results, modes, name));
  const expRows = [];
  for (const [id, m] of modes) {
    for (const [format, e] of Object.entries(m.exports ?? {})) {
      expRows.push([
        name(id),
        format,
        fmt(e.bytes / MB, 0),
        fmt(e.wall_ms),
        fmt(e.mb_per_sec, 1),
        e.runs.map((r) => fmt(r.rss_growth / MB, 1)).join(' / '),
        '≤ 50 MB',
      ]);
    }
  }
  if (expRows.length) {
    out.push(
      '',
      table(
        ['store', 'export', 'MB', 'ms (median)', 'MB/s', `RSS growth MB (${EXPORT_ROUNDS} runs)`, 'target'],
        expRows,
      ),
    );
  }
  return out.join('\n');
}

function renderDashboard(results, modes, name) {
  if (results.dashboard_skipped) return ['', `dashboard load: skipped: ${results.dashboard_skipped}`];
  const rows = [];
  const apiRows = [];
  for (const [id, m] of modes) {
    const b = m.dashboard;
    if (!b) continue;
    rows.push([
      name(id),
      `${b.loads.length - b.failed} of ${b.loads.length}`,
      fmt(b.cold_ms),
      fmt(b.page?.p50),
      fmt(b.page?.max),
      fmt(b.wall.p50),
      '< 1,000 ms',
    ]);
    for (const [path, l] of Object.entries(b.api)) apiRows.push([name(id), path, fmt(l.p50, 1), fmt(l.max, 1)]);
  }
  if (!rows.length) return [];
  return [
    '',
    table(
      ['store', 'loads complete', 'cold ms', 'p50 ms', 'max ms', 'wall p50 ms', 'target (navigation → all panels)'],
      rows,
    ),
    '',
    table(['store', 'API answer of a dashboard load', 'arrived p50 ms', 'max ms'], apiRows),
  ];
}
