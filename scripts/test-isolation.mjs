// Does each test pass or fail on its own, whatever order its file's tests run in?
// For every test file given, this runs the file's top-level tests (and suites) three ways, each
// through the same loader and flags as scripts/test.mjs (`node --import tsx --test`):
//   in order   the file as the suite runs it;
//   reversed   the top-level tests registered last first (scripts/isolation/reverse.mjs);
//   alone      each top-level test by itself (`--test-name-pattern=^<its exact name>$`), so it
//              gets nothing from any test before it, only the file's own module code and hooks.
// and reports every test whose outcome differs from the in-order run. A test is a top-level test or
// a test in a suite (describe), which runs alone with its suite's hooks. A difference is checked
// once more before it is reported as a dependency; one not seen again is reported as flaky. Not
// part of `npm test`: it runs each file 2 + (number of tests) times.
//
//   node scripts/test-isolation.mjs --unit          every src/**/*.test.ts
//   node scripts/test-isolation.mjs --e2e           every test/**/*.test.ts (npm run build first)
//   node scripts/test-isolation.mjs FILE...         those files
//   options: --jobs=N (processes at once, default 2), --no-reverse, --no-alone
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { findTestFiles } from './lib/test-files.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const reporter = join(here, 'isolation', 'reporter.mjs');
const reverse = join(here, 'isolation', 'reverse.mjs');

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const jobsArg = args.find((a) => a.startsWith('--jobs='));
const jobs = jobsArg ? Math.max(1, Number(jobsArg.slice('--jobs='.length))) : 2;
const files = [
  ...(flag('--unit') ? findTestFiles('src') : []),
  ...(flag('--e2e') ? findTestFiles('test') : []),
  ...args.filter((a) => !a.startsWith('--')),
];
if (files.length === 0) {
  process.stderr.write(
    'usage: node scripts/test-isolation.mjs --unit | --e2e | FILE... [--jobs=N] [--no-reverse] [--no-alone]\n',
  );
  process.exit(2);
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const RUN_TIMEOUT_MS = 10 * 60_000;

/**
 * One `node --test` run of `file` with `extra` flags: its tests as a tree, read from the reporter's
 * lines (a test finishes after its children, so the finished tests one level deeper are its children).
 */
function run(file, extra) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        ...extra,
        '--test',
        `--test-reporter=${reporter}`,
        '--test-reporter-destination=stdout',
        file,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'], timeout: RUN_TIMEOUT_MS },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('close', () => {
      const finished = [[]];
      for (const line of out.split('\n')) {
        if (!line.startsWith('{')) continue;
        const node = JSON.parse(line);
        node.children = finished[node.nesting + 1]?.splice(0) ?? [];
        (finished[node.nesting] ??= []).push(node);
      }
      resolve(units(finished[0]));
    });
  });
}

/**
 * The tests that can run alone: each top-level test, and each test in a suite (with the suite's
 * hooks), by the path of names that leads to it. Subtests made with t.test run inside their parent.
 */
function units(nodes, path = []) {
  const out = new Map();
  for (const node of nodes) {
    const here = [...path, node.name];
    if (node.suite && node.children.length > 0) for (const [k, v] of units(node.children, here)) out.set(k, v);
    else out.set(JSON.stringify(here), { ...node, path: here });
  }
  return out;
}

/** A bounded pool: at most `jobs` of the queued tasks run at once. */
function pool() {
  const waiting = [];
  let active = 0;
  const next = () => {
    if (active >= jobs || waiting.length === 0) return;
    active += 1;
    const { task, resolve } = waiting.shift();
    task().then((value) => {
      active -= 1;
      resolve(value);
      next();
    });
  };
  return (task) =>
    new Promise((resolve) => {
      waiting.push({ task, resolve });
      next();
    });
}
const queue = pool();

const describeOutcome = (r) => (r === undefined ? 'not run' : r.error ? `${r.outcome} (${r.error})` : r.outcome);
const label = (path) => path.map((n) => `"${n}"`).join(' > ');

/**
 * Runs `file` in order, reversed and each test alone. A test whose outcome differs is run that
 * way again, with the file in order beside it: a difference seen twice is a finding, one seen
 * once is reported as flaky (the machine's load, a race in the test) rather than a dependency.
 */
async function checkFile(file) {
  const started = Date.now();
  const expected = await queue(() => run(file, []));
  const keys = [...expected.keys()].filter((k) => expected.get(k).outcome !== 'skip');
  const differs = (want, got) => got?.outcome !== want?.outcome;
  const suspects = [];
  const check = (mode, extra, only) =>
    queue(() => run(file, extra)).then((got) => {
      for (const key of only ?? keys) {
        if (differs(expected.get(key), got.get(key))) suspects.push({ mode, extra, key, got: got.get(key) });
      }
    });
  const tasks = [];
  if (!flag('--no-reverse')) tasks.push(check('reversed', ['--import', reverse]));
  if (!flag('--no-alone') && keys.length > 1) {
    for (const key of keys) {
      tasks.push(check('alone', [`--test-name-pattern=^${escapeRegExp(expected.get(key).name)}$`], [key]));
    }
  }
  await Promise.all(tasks);
  const findings = [];
  const flaky = [];
  await Promise.all(
    suspects.map(async ({ mode, extra, key, got }) => {
      const [again, inOrder] = await Promise.all([queue(() => run(file, extra)), queue(() => run(file, []))]);
      const want = expected.get(key);
      const line = `${file}: ${label(want.path)} ${mode}: ${describeOutcome(got)}; in order: ${describeOutcome(want)}`;
      const confirmed = differs(inOrder.get(key), again.get(key)) && !differs(want, inOrder.get(key));
      (confirmed ? findings : flaky).push(confirmed ? line : `${line} (not seen again)`);
    }),
  );
  const failing = keys.filter((k) => expected.get(k).outcome === 'fail').length;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `${findings.length > 0 ? 'DIFF' : flaky.length > 0 ? 'FLKY' : 'ok  '} ${file}: ${keys.length} tests${failing ? `, ${failing} failing in order` : ''} (${seconds} s)\n${[...findings, ...flaky].map((f) => `       ${f}\n`).join('')}`,
  );
  return { findings, flaky };
}

const started = Date.now();
const results = await Promise.all(files.map(checkFile));
const findings = results.flatMap((r) => r.findings);
const flaky = results.flatMap((r) => r.flaky);
process.stdout.write(`\n${files.length} files in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
if (flaky.length > 0) {
  process.stdout.write(
    `\nDifferences seen once, not on a second try (flaky?):\n${flaky.map((f) => `  ${f}\n`).join('')}`,
  );
}
if (findings.length > 0) {
  process.stdout.write(
    `\nTests whose outcome depends on the others in their file:\n${findings.map((f) => `  ${f}\n`).join('')}`,
  );
  process.exit(1);
}
process.stdout.write('Every test had the same outcome alone, reversed and in order.\n');
