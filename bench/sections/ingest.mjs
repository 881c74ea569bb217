// 1. Ingest throughput and server CPU per record, daemon vs a bare node:net floor.
//
// PATIENCE_BENCH_INGEST=id,id,... runs only those parts of the section (the whole section
// takes several minutes): conn_c1, conn_c8, conn_c64, stream, conn_c8_reply_floor,
// conn_c8_data_file, group_commit. E.g. to weigh a change to group commit:
//   PATIENCE_BENCH_INGEST=conn_c8_data_file,group_commit node --expose-gc bench/run.mjs ingest
// PATIENCE_BENCH_DAEMON=path/to/patienced.cjs benches another build (bench/lib/daemon.mjs).
import { spawnBenchDaemon, startFloor } from '../lib/daemon.mjs';
import { makeRecords, onePerConnection, packChunks, stream, toLineBuffers } from '../lib/load.mjs';
import os from 'node:os';
import { clientGc, cpuTimes, systemBusyMicros, fmt, median, sleep, table } from '../lib/measure.mjs';

// More, shorter rounds: the shared machine's slow phases last minutes, and short rounds
// spread each phase over both servers of a pair.
const ROUNDS = 9;
const STREAM_RECORDS = 100_000;
const CASES = [
  { id: 'conn_c1', label: '1 per conn, C=1', kind: 'conn', concurrency: 1, records: 8_000, warmup: 3_000 },
  { id: 'conn_c8', label: '1 per conn, C=8', kind: 'conn', concurrency: 8, records: 8_000, warmup: 3_000 },
  { id: 'conn_c64', label: '1 per conn, C=64', kind: 'conn', concurrency: 64, records: 8_000, warmup: 3_000 },
  {
    id: 'stream',
    label: `NDJSON stream, ${STREAM_RECORDS / 1000}k on 1 conn`,
    kind: 'stream',
    records: STREAM_RECORDS,
    warmup: 20_000,
  },
];
/** Fills the default max_metrics (10000), so every measurement sees a full store that evicts. */
const PREFILL = 12_000;
const TARGET_CONN_RATIO = 1.3;
const TARGET_STREAM_US = 10;
/** Group commit must keep the data file's acked rate at least this share of the in-memory rate. */
const TARGET_GROUP_COMMIT_RATIO = 1 / 3;
const GROUP_COMMIT_RECORDS = 8_000;

export default {
  id: 'ingest',
  title: '1. Ingest: throughput and server CPU per record (daemon vs bare node:net floor)',
  run,
};

const PARTS = [...CASES.map((c) => c.id), 'conn_c8_reply_floor', 'conn_c8_data_file', 'group_commit'];

/** The parts PATIENCE_BENCH_INGEST asks for (every part when it is unset). */
function selectedParts() {
  const wanted = (process.env.PATIENCE_BENCH_INGEST ?? '').split(',').filter(Boolean);
  const unknown = wanted.filter((w) => !PARTS.includes(w));
  if (unknown.length)
    throw new Error(`PATIENCE_BENCH_INGEST: unknown ${unknown.join(', ')}; parts: ${PARTS.join(', ')}`);
  return new Set(wanted.length ? wanted : PARTS);
}

async function run({ progress }) {
  const parts = selectedParts();
  const nowSec = Math.floor(Date.now() / 1000);
  const pool = toLineBuffers(makeRecords(20_000, { seed: 1, nowSec }));
  const streamLines = toLineBuffers(makeRecords(STREAM_RECORDS, { seed: 2, nowSec }));
  const payload = {
    stream: packChunks(streamLines),
    warmStream: packChunks(streamLines.slice(0, 20_000)),
    prefill: packChunks(streamLines.slice(0, PREFILL)),
  };

  const floor = await startFloor();
  const memory = await spawnBenchDaemon({ label: 'patienced (memory)' });
  const results = { rounds: ROUNDS, prefill: PREFILL, max_metrics: 'default (10000)', cases: {} };
  try {
    await prefill(memory, payload);
    for (const c of CASES.filter((k) => parts.has(k.id))) {
      progress(`ingest: ${c.label}`);
      results.cases[c.id] = {
        label: c.label,
        kind: c.kind,
        concurrency: c.concurrency ?? 1,
        records: c.records,
        ...(await compare(c, floor, memory, pool, payload)),
      };
    }
    if (parts.has('conn_c8_reply_floor')) await replyFloorCase(memory, pool, payload, results, progress);
    if (parts.has('conn_c8_data_file') || parts.has('group_commit')) {
      await dataFileCases(parts, floor, memory, pool, payload, results, progress);
    }
    await memory.stop();
  } finally {
    await floor.stop();
  }
  return { results, text: render(results) };
}

async function replyFloorCase(memory, pool, payload, results, progress) {
  progress('ingest: 1 per conn, C=8, against a floor that replies');
  const replyFloor = await startFloor({ label: 'floor (replies)', reply: true });
  try {
    const c8 = CASES.find((c) => c.id === 'conn_c8');
    results.cases.conn_c8_reply_floor = {
      label: `${c8.label}, floor replies`,
      kind: 'conn',
      replying_floor: true,
      concurrency: 8,
      records: c8.records,
      ...(await compare(c8, replyFloor, memory, pool, payload)),
    };
  } finally {
    await replyFloor.stop();
  }
}

async function dataFileCases(parts, floor, memory, pool, payload, results, progress) {
  const disk = await spawnBenchDaemon({ label: 'patienced (data-file)', dataFile: true });
  try {
    await prefill(disk, payload);
    if (parts.has('conn_c8_data_file')) {
      progress('ingest: 1 per conn, C=8, data-file');
      // Fewer records: each one costs an fsync'd transaction here.
      const c8 = { ...CASES.find((c) => c.id === 'conn_c8'), records: 8_000 };
      results.cases.conn_c8_data_file = {
        label: `${c8.label}, data-file`,
        kind: 'conn',
        concurrency: 8,
        records: c8.records,
        ...(await compare(c8, floor, disk, pool, payload)),
      };
    }
    if (parts.has('group_commit')) {
      progress('ingest: group commit, 1 per conn, C=64, data-file vs memory');
      results.group_commit = await groupCommit(memory, disk, pool, payload);
    }
  } finally {
    await disk.stop();
  }
}

async function prefill(daemon, payload) {
  const r = await stream(daemon.socketPath, payload.prefill, PREFILL, { expectOk: true });
  if (r.badReplies) throw new Error(`prefill of ${daemon.label} failed: ${r.firstBad}`);
}

/**
 * Warm-up, then ROUNDS measured rounds on each server, back to back and alternating which
 * goes first. The ratio is the median of each round's daemon/floor pair, so a slow spell on
 * the machine weighs on both sides of a pair.
 */
async function compare(c, floor, daemon, pool, payload) {
  await phase(c, floor, pool, payload, false, true);
  await phase(c, daemon, pool, payload, true, true);
  const rounds = { floor: [], daemon: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? ['floor', 'daemon'] : ['daemon', 'floor'];
    for (const who of order) {
      rounds[who].push(await phase(c, who === 'floor' ? floor : daemon, pool, payload, who === 'daemon', false));
    }
  }
  const pairRatios = rounds.daemon.map((d, i) => d.us_per_record / rounds.floor[i].us_per_record);
  return {
    daemon: summarize(rounds.daemon),
    floor: summarize(rounds.floor),
    ratio: median(pairRatios),
    pair_ratios: pairRatios,
  };
}

/** One load phase against one server; CPU is the server process's utime+stime delta. */
async function phase(c, server, pool, payload, expectOk, warmup) {
  const n = warmup ? c.warmup : c.records;
  server.assertAlive();
  clientGc();
  await sleep(100);
  const client0 = process.cpuUsage();
  const busy0 = systemBusyMicros();
  const cpu0 = cpuTimes(server.pid);
  const r =
    c.kind === 'conn'
      ? await onePerConnection(server.socketPath, pool, n, c.concurrency, { expectOk })
      : await stream(server.socketPath, warmup ? payload.warmStream : payload.stream, n, { expectOk });
  await sleep(20);
  server.assertAlive();
  const cpu1 = cpuTimes(server.pid);
  const userUs = cpu1.user - cpu0.user;
  const sysUs = cpu1.sys - cpu0.sys;
  const cpuUs = userUs + sysUs;
  const client = process.cpuUsage(client0);
  const busyUs = systemBusyMicros() - busy0;
  // What everything else on the machine used meanwhile, as a share of all its cores.
  const otherUs = Math.max(0, busyUs - cpuUs - client.user - client.system);
  const otherPct = (100 * otherUs) / ((r.wallMs + 20) * 1000 * os.cpus().length);
  if (r.errors || r.badReplies) {
    throw new Error(
      `${server.label}, ${c.label}: ${r.errors} connection errors, ${r.badReplies} bad replies (first: ${JSON.stringify(r.firstBad)})`,
    );
  }
  return {
    records: n,
    wall_ms: r.wallMs,
    cpu_us: cpuUs,
    us_per_record: cpuUs / n,
    user_us_per_record: userUs / n,
    sys_us_per_record: sysUs / n,
    records_per_sec: n / (r.wallMs / 1000),
    client_us_per_record: (client.user + client.system) / n,
    other_cpu_pct: otherPct,
  };
}

/**
 * Group commit: acknowledged records per second with a data file against the same load in
 * memory, one record per connection from 64 clients at once (every reply must be ok, so
 * each record counted was acked, and with a data file was on disk when it was). Rounds
 * alternate which daemon goes first, as in compare().
 */
async function groupCommit(memory, disk, pool, payload) {
  const c = { ...CASES.find((k) => k.id === 'conn_c64'), records: GROUP_COMMIT_RECORDS };
  await phase(c, memory, pool, payload, true, true);
  await phase(c, disk, pool, payload, true, true);
  const rounds = { memory: [], disk: [] };
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? ['memory', 'disk'] : ['disk', 'memory'];
    for (const who of order)
      rounds[who].push(await phase(c, who === 'memory' ? memory : disk, pool, payload, true, false));
  }
  const pairRatios = rounds.disk.map((d, i) => d.records_per_sec / rounds.memory[i].records_per_sec);
  return {
    label: `${c.label}, acked rec/s`,
    concurrency: c.concurrency,
    records: c.records,
    memory: summarize(rounds.memory),
    data_file: summarize(rounds.disk),
    ratio: median(pairRatios),
    pair_ratios: pairRatios,
  };
}

function summarize(rounds) {
  return {
    us_per_record: median(rounds.map((r) => r.us_per_record)),
    user_us_per_record: median(rounds.map((r) => r.user_us_per_record)),
    sys_us_per_record: median(rounds.map((r) => r.sys_us_per_record)),
    records_per_sec: median(rounds.map((r) => r.records_per_sec)),
    client_us_per_record: median(rounds.map((r) => r.client_us_per_record)),
    spread: [Math.min(...rounds.map((r) => r.us_per_record)), Math.max(...rounds.map((r) => r.us_per_record))],
    rounds,
  };
}

const us = (v) => fmt(v, v < 20 ? 1 : 0);

function render(results) {
  const cases = Object.values(results.cases);
  if (cases.length === 0) return results.group_commit ? renderGroupCommit(results.group_commit) : '';
  // The per-connection target is against the floor that replies, as the daemon must; the
  // floor that sends no reply is shown for context.
  const targetOf = (c) =>
    c.kind === 'stream'
      ? `≤ ${TARGET_STREAM_US} µs/rec`
      : c.replying_floor
        ? `≤ ${TARGET_CONN_RATIO}× floor`
        : '(context: no reply)';
  const rows = cases.map((c) => [
    c.label,
    fmt(c.records),
    fmt(c.daemon.records_per_sec),
    fmt(c.floor.records_per_sec),
    us(c.daemon.us_per_record),
    us(c.floor.us_per_record),
    `${fmt(c.ratio, 2)}× (${fmt(Math.min(...c.pair_ratios), 1)}–${fmt(Math.max(...c.pair_ratios), 1)})`,
    `${fmt(median([...c.daemon.rounds, ...c.floor.rounds].map((r) => r.other_cpu_pct)))} %`,
    targetOf(c),
  ]);
  return [
    table(
      [
        'case',
        'records',
        'daemon rec/s',
        'floor rec/s',
        'daemon µs/rec',
        'floor µs/rec',
        'daemon/floor',
        'others',
        'target',
      ],
      rows,
      'lrrrrrrrl',
    ),
    `  µs/rec = CPU (utime+stime from /proc, 10 ms ticks) of the server process per record, median of ${results.rounds} rounds;`,
    '  daemon/floor = median (min–max) of the ratios of back-to-back round pairs. others = CPU the rest of the machine',
    `  used meanwhile (median, % of all cores). Daemon in memory unless noted, default max_metrics (10000), pre-filled`,
    `  with ${fmt(results.prefill)} records, so it evicts throughout. The floor reads, discards, and closes when the client`,
    '  ends; it sends no reply ("floor replies": it also answers {"status":"ok"} first, as the protocol requires, and',
    '  the target is measured against it).',
    '  The client runs in the bench process, on the same cores.',
    ...(results.group_commit ? ['', renderGroupCommit(results.group_commit)] : []),
  ].join('\n');
}

function renderGroupCommit(g) {
  const range = (r) => `${fmt(Math.min(...r), 2)}–${fmt(Math.max(...r), 2)}`;
  return [
    table(
      ['group commit', 'records', 'memory rec/s', 'data-file rec/s', 'data-file/memory', 'target'],
      [
        [
          g.label,
          fmt(g.records),
          fmt(g.memory.records_per_sec),
          fmt(g.data_file.records_per_sec),
          `${fmt(g.ratio, 2)} (${range(g.pair_ratios)})`,
          `≥ ${fmt(TARGET_GROUP_COMMIT_RATIO, 2)}`,
        ],
      ],
      'lrrrrl',
    ),
    `  rec/s = records acknowledged ok per second of wall time (every reply must be ok), median of ${g.memory.rounds.length} rounds;`,
    '  data-file/memory = median (min–max) of back-to-back round pairs, alternating which daemon goes first. With a',
    '  data file an ok means the record was committed (synchronous=FULL) before the reply; one commit serves a whole turn,',
    '  and with a data file a small batch may wait up to one commit time (at most 4 ms) for the next turns to join it.',
  ].join('\n');
}
