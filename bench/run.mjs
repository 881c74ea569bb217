// `npm run bench`: runs each section in order, prints a compact table per section, and
// writes every figure to .bench/results.json. Figures are ratios and times for this
// machine, printed beside their targets; nothing passes or fails.
//
// node --expose-gc bench/run.mjs [SECTION_ID ...]   (default: every section)
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DAEMON_BIN, ROOT, cleanUpOnExit, stopAll } from './lib/daemon.mjs';
import { loadAverage } from './lib/measure.mjs';
import ingest from './sections/ingest.mjs';
import store100k from './sections/store100k.mjs';
import cli from './sections/cli.mjs';
import scale1m from './sections/scale1m.mjs';

/** Each section: { id, title, run({ progress }) -> { results, text } }. */
const SECTIONS = [ingest, store100k, scale1m, cli];

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !SECTIONS.some((s) => s.id === w));
if (unknown.length) {
  process.stderr.write(`unknown section ${unknown.join(', ')}; sections: ${SECTIONS.map((s) => s.id).join(', ')}\n`);
  process.exit(2);
}
const selected = wanted.length ? SECTIONS.filter((s) => wanted.includes(s.id)) : SECTIONS;

cleanUpOnExit();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    process.stderr.write(`\n${sig}: stopping the bench's processes\n`);
    void stopAll().finally(() => process.exit(130));
  });
}

const progress = (msg) => {
  if (process.stderr.isTTY) process.stderr.write(`\x1b[2K\r… ${msg}`);
};
const clearProgress = () => {
  if (process.stderr.isTTY) process.stderr.write('\x1b[2K\r');
};

const cpus = os.cpus();
const results = {
  started_at: new Date().toISOString(),
  machine: {
    node: process.version,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
    cpus: cpus.length,
    cpu_model: cpus[0]?.model,
    total_memory: os.totalmem(),
    load_before: loadAverage(),
  },
  daemon_bin: path.relative(ROOT, DAEMON_BIN),
  daemon_built_at: fs.existsSync(DAEMON_BIN) ? fs.statSync(DAEMON_BIN).mtime.toISOString() : undefined,
  git: gitState(),
  gc_exposed: typeof globalThis.gc === 'function',
  sections: {},
};

const t0 = Date.now();
console.log(
  `patience bench: ${results.machine.node}, ${results.machine.platform}, ${cpus.length} × ${results.machine.cpu_model ?? 'cpu'}`,
);
console.log(
  `load average before: ${results.machine.load_before.join(' ')}${results.gc_exposed ? '' : '  (run with --expose-gc for steadier client figures)'}`,
);

let failed;
try {
  for (const s of selected) {
    const started = Date.now();
    const { results: r, text } = await s.run({ progress });
    clearProgress();
    results.sections[s.id] = { ...r, seconds: (Date.now() - started) / 1000 };
    console.log(`\n${s.title}\n${text}`);
  }
} catch (err) {
  clearProgress();
  failed = err;
  results.error = String(err?.stack ?? err);
} finally {
  await stopAll();
}

results.machine.load_after = loadAverage();
results.seconds = (Date.now() - t0) / 1000;
const outDir = path.join(ROOT, '.bench');
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(
  `\nload average after: ${results.machine.load_after.join(' ')}; ${results.seconds.toFixed(0)} s; full results in .bench/results.json`,
);
if (failed) {
  console.error(`\nbench failed: ${failed?.stack ?? failed}`);
  process.exitCode = 1;
}

/** The commit and whether the tree had changes: figures depend on the code they measured. */
function gitState() {
  try {
    const git = (...args) =>
      execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain') !== '' };
  } catch {
    return undefined;
  }
}
