// 4. CLI start-up: the wall time of `patience fixed -a 1 -- true` over `true` alone and
// over `node -e 0` (the floor), with a daemon running, with no daemon, and with a daemon
// that accepts but never answers; the same from the npm package installed with
// `npm install -g` into a temp prefix, as a user runs it; and whether the CLI bundle is
// free of the daemon's dependencies.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, childEnv, spawnBenchDaemon, startHung } from '../lib/daemon.mjs';
import { httpClient } from '../lib/load.mjs';
import { fmt, latencySummary, sleep, table } from '../lib/measure.mjs';

const CLI_BIN = path.join(ROOT, 'dist/patience.cjs');
/** The CLI itself, which dist/patience.cjs runs through its code cache. */
const CLI_MAIN = path.join(ROOT, 'dist/patience-main.cjs');
const RUNS = 50;
const WARMUPS = 3;
const TARGET_OVER_FLOOR_MS = 40;
const RUN_TIMEOUT_MS = 10_000;
/** Strings that must not appear in the CLI bundle: the daemon's dependencies. */
const DAEMON_DEPS = ['fastify', 'better-sqlite3', 'pino', 'typebox'];
const PATIENCE_ARGS = ['fixed', '-a', '1', '--', 'true'];

export default {
  id: 'cli',
  title: `4. CLI: wall time of \`patience ${PATIENCE_ARGS.join(' ')}\` (${RUNS} runs after ${WARMUPS} warm-ups, interleaved)`,
  run,
};

// Long because one run sets up every case (the daemon, the hung server, the installed copy),
// interleaves their rounds, and tears all of it down in one finally; split, the clean-up
// would be spread over the pieces.
async function run({ progress }) {
  if (!fs.existsSync(CLI_BIN)) throw new Error(`${CLI_BIN} is missing: run node scripts/build.mjs cli`);
  const bundle = inspectBundle();

  // HOME, XDG_STATE_HOME, XDG_CONFIG_HOME and cwd in a temp dir: no config file, no state.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'patience-bench-cli-'));
  const removeWork = () => fs.rmSync(work, { recursive: true, force: true });
  process.once('exit', removeWork);
  let daemon;
  let hung;
  let http;
  try {
    progress('cli: installing the package into a temp prefix');
    const installed = installPackage(work);
    progress('cli: starting patienced and the hung server');
    [daemon, hung] = await Promise.all([spawnBenchDaemon({ label: 'patienced (cli)' }), startHung()]);
    http = httpClient(daemon.url);

    const base = {
      ...childEnv(work),
      XDG_STATE_HOME: path.join(work, 'state'),
      XDG_CONFIG_HOME: path.join(work, 'config'),
    };
    const patience = (socketPath) => ({
      file: process.execPath,
      args: [CLI_BIN, ...PATIENCE_ARGS],
      env: { ...base, RETRY_SOCKET_PATH: socketPath },
    });
    const cases = [
      { id: 'floor', label: '`node -e 0` (floor)', file: process.execPath, args: ['-e', '0'], env: base },
      { id: 'true', label: '`true` alone', file: 'true', args: [], env: base },
      { id: 'daemon', label: 'patience, daemon running', ...patience(daemon.socketPath), cli: true },
      { id: 'no_daemon', label: 'patience, no daemon', ...patience(path.join(work, 'nobody-listens.sock')), cli: true },
      { id: 'hung', label: 'patience, daemon never answers', ...patience(hung.socketPath), cli: true },
    ];
    // The code cache lives under HOME (work/.cache/patience, written by the warm-ups); a
    // HOME that does not exist turns it off, as on a first run.
    const cold = patience(daemon.socketPath);
    cold.env = { ...cold.env, HOME: path.join(work, 'no-such-home') };
    cases.push({ id: 'no_code_cache', label: 'patience, daemon running, no code cache', ...cold, cli: true });
    if (installed.bin) {
      // By name from PATH, through npm's link and the bundle's `#!/usr/bin/env node`, as a
      // user runs it; this node first on PATH, so that it is the floor's node.
      const PATH = [installed.bin, path.dirname(process.execPath), base.PATH].join(path.delimiter);
      cases.push({
        id: 'installed',
        label: 'patience installed by npm, daemon running',
        file: 'patience',
        args: PATIENCE_ARGS,
        env: { ...base, PATH, RETRY_SOCKET_PATH: daemon.socketPath },
        cli: true,
      });
    }

    // One run of each CLI case with PATIENCE_DEBUG, to show which path the report took.
    for (const c of cases.filter((c) => c.cli)) {
      const r = runOnce(c, { PATIENCE_DEBUG: '1' });
      c.report = /patience: debug: (?!code cache)(.*)/.exec(r.stderr)?.[1] ?? '(no debug line)';
    }

    const stats0 = (await http.json('/api/daemon/stats')).json;
    const times = Object.fromEntries(cases.map((c) => [c.id, []]));
    for (let i = 0; i < WARMUPS + RUNS; i++) {
      progress(`cli: round ${i + 1}/${WARMUPS + RUNS}`);
      // Rotate the order each round, so no case always follows the same one.
      for (let k = 0; k < cases.length; k++) {
        const c = cases[(i + k) % cases.length];
        const { ms } = runOnce(c);
        if (i >= WARMUPS) times[c.id].push(ms);
        // spawnSync blocks: let signals (SIGINT's clean-up in run.mjs) through between runs.
        await yieldLoop();
      }
    }
    await sleep(50);
    daemon.assertAlive();
    hung.assertAlive();
    const stats1 = (await http.json('/api/daemon/stats')).json;
    // The checkout's CLI and the installed one both report to the daemon.
    const reporting = cases.filter((c) => c.cli && c.env.RETRY_SOCKET_PATH === daemon.socketPath).length;
    const sent = (WARMUPS + RUNS) * reporting;
    const delivery = {
      sent,
      reporting_cases: reporting,
      received: stats1.received - stats0.received,
      rejected: stats1.rejected_total - stats0.rejected_total,
    };
    delivery.ok = delivery.received === sent && delivery.rejected === 0;

    const results = {
      runs: RUNS,
      warmups: WARMUPS,
      target_over_floor_ms: TARGET_OVER_FLOOR_MS,
      bundle,
      installed: installed.note,
      delivery,
      cases: {},
    };
    for (const c of cases)
      results.cases[c.id] = {
        label: c.label,
        ...(c.report ? { report: c.report } : {}),
        ...latencySummary(times[c.id]),
        samples_ms: times[c.id],
      };
    const floorP50 = results.cases.floor.p50;
    const trueP50 = results.cases.true.p50;
    for (const c of Object.values(results.cases)) {
      c.over_floor_p50_ms = c.p50 - floorP50;
      c.over_true_p50_ms = c.p50 - trueP50;
    }
    return { results, text: render(results) };
  } finally {
    http?.close();
    await Promise.all([daemon?.stop(), hung?.stop()]);
    removeWork();
    process.removeListener('exit', removeWork);
  }

  function runOnce(c, extraEnv) {
    const t0 = performance.now();
    const r = spawnSync(c.file, c.args, {
      cwd: work,
      env: extraEnv ? { ...c.env, ...extraEnv } : c.env,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
      timeout: RUN_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    const ms = performance.now() - t0;
    if (r.error || r.status !== 0) {
      throw new Error(
        `${c.label}: ${r.error?.message ?? `exit ${r.status ?? r.signal}`}; stderr:\n${(r.stderr ?? '').slice(-2000)}`,
      );
    }
    return { ms, stderr: r.stderr };
  }
}

const yieldLoop = () => new Promise((resolve) => setImmediate(resolve));

/**
 * `npm pack` of this checkout as it is built (no prepack: the other cases measure this same
 * dist/), then `npm install -g` into WORK/prefix. --ignore-scripts skips better-sqlite3's
 * build, which the CLI never loads (minutes where its prebuilt download is unreachable).
 * Returns { bin, note }; without npm, or when the install fails, no bin and the reason.
 */
function installPackage(work) {
  const npm = (args) =>
    spawnSync('npm', args, { cwd: ROOT, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const pack = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work]);
  if (pack.status !== 0) return { note: `not measured: npm pack failed: ${pack.error?.message ?? pack.stderr.trim()}` };
  const tarball = path.join(work, JSON.parse(pack.stdout)[0].filename);
  const prefix = path.join(work, 'prefix');
  const started = performance.now();
  const install = npm(['install', '-g', '--prefix', prefix, '--ignore-scripts', '--prefer-offline', tarball]);
  if (install.status !== 0) return { note: `not measured: npm install -g failed: ${install.stderr.trim()}` };
  const seconds = (performance.now() - started) / 1000;
  return {
    bin: path.join(prefix, 'bin'),
    note: `npm install -g --ignore-scripts of the packed tarball: ${fmt(seconds, 1)} s`,
  };
}

function inspectBundle() {
  const text = fs.readFileSync(CLI_MAIN, 'utf8');
  const counts = {};
  for (const dep of DAEMON_DEPS) counts[dep] = text.split(dep).length - 1;
  const stat = fs.statSync(CLI_MAIN);
  return {
    path: path.relative(ROOT, CLI_MAIN),
    bytes: stat.size,
    built_at: stat.mtime.toISOString(),
    counts,
    free: Object.values(counts).every((n) => n === 0),
  };
}

/** Shortens the CLI's debug line to what happened to the report. */
function outcome(c, delivery) {
  const r = c.report;
  if (!r) return '';
  let s = r;
  if (r === 'run reported to the daemon') s = 'answered ok';
  else if (/\b(ENOENT|ECONNREFUSED)\b/.test(r)) s = `cannot connect (${/\b(ENOENT|ECONNREFUSED)\b/.exec(r)[1]})`;
  else if (/did not answer within/.test(r)) s = `no answer, gave up at ${/within (\S+ ms)/.exec(r)?.[1] ?? 'budget'}`;
  if (c.id === 'daemon')
    s += `; received +${delivery.received} of ${delivery.sent}${delivery.reporting_cases > 1 ? ` (${delivery.reporting_cases} cases report to it)` : ''}${delivery.rejected ? `, rejected +${delivery.rejected}` : ''}${delivery.ok ? '' : ' (MISMATCH)'}`;
  return s;
}

function render(results) {
  const ms = (v) => fmt(v, 1);
  const signed = (v) => `${v >= 0 ? '+' : ''}${fmt(v, 1)}`;
  const rows = Object.entries(results.cases).map(([id, c]) => [
    c.label,
    ms(c.p50),
    ms(c.p90),
    id === 'floor' ? '' : signed(c.over_floor_p50_ms),
    id === 'floor' || id === 'true' ? '' : signed(c.over_true_p50_ms),
    outcome({ ...c, id }, results.delivery),
    c.report ? `≤ ${results.target_over_floor_ms} ms over floor` : '',
  ]);
  const b = results.bundle;
  rows.push([
    `${b.path} (${fmt(b.bytes / 1024)} KB): ${DAEMON_DEPS.join('/')}`,
    DAEMON_DEPS.map((d) => b.counts[d]).join('/'),
    '',
    '',
    '',
    b.free ? 'free of the daemon’s dependencies' : 'CONTAINS daemon dependencies',
    `${DAEMON_DEPS.map(() => 0).join('/')}`,
  ]);
  return [
    table(['case', 'p50 ms', 'p90 ms', 'over floor', 'over true', 'report', 'target'], rows, 'lrrrrll'),
    `  Wall time of spawnSync from the bench process, ${results.runs} runs per case after ${results.warmups} warm-ups, the cases interleaved`,
    '  and rotated each round. over floor / over true = p50 minus the p50 of `node -e 0` / `true`. Every run: env with only',
    '  PATH, HOME, LANG (no NODE_EXTRA_CA_CERTS, no NODE_OPTIONS), HOME/XDG_STATE_HOME/XDG_CONFIG_HOME and cwd in a temp dir,',
    '  RETRY_SOCKET_PATH per case. "report" = the CLI\'s PATIENCE_DEBUG line from one extra run per case; "received" = the',
    '  change of /api/daemon/stats `received` over the warm-ups and measured runs. The never-answering daemon (bench/hung-server.mjs)',
    `  accepts and reads but never writes, so the CLI waits its whole report budget (200 ms, README: The socket protocol) by design. Bundle counts are`,
    `  occurrences of each name in ${b.path} (built ${b.built_at}). Installed copy: ${results.installed}.`,
  ].join('\n');
}
