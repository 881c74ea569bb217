// Bundles both programs with esbuild: each is one CommonJS file, which starts fastest.
// The daemon keeps better-sqlite3 external (a native addon); the CLI bundle must stay
// free of the daemon's dependencies.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  define: { __PATIENCE_VERSION__: JSON.stringify(pkg.version) },
  banner: { js: '#!/usr/bin/env node' },
};

// `node scripts/build.mjs cli` or `... daemon` builds one of them; no argument builds both.
const which = process.argv[2];
const jobs = [];
if (which !== 'cli') {
  jobs.push(
    build({
      ...common,
      entryPoints: ['src/daemon/bin.ts'],
      outfile: 'dist/patienced.cjs',
      external: ['better-sqlite3'],
    }),
  );
}
// The dashboard goes with the daemon: dist/web/ beside dist/patienced.cjs, which serves it.
if (which !== 'cli') jobs.push(buildWeb());
if (which !== 'daemon') jobs.push(buildCli());
// The man pages and completion files, whichever program is built: they describe both.
jobs.push(buildDocs());
await Promise.all(jobs);

/**
 * dist/patience.cjs, the small executable, runs dist/patience-main.cjs, the CLI, through a
 * V8 code cache named by the CLI's hash (src/cli/launch/). `runs`/`stats` and
 * `completion` are bundles of their own (dist/patience-query.cjs, -completion.cjs), which
 * the CLI requires when asked for them: a retry run reads and compiles none of them.
 * Without whitespace and with simpler syntax the CLI is 36 % smaller; names stay, so an
 * internal error's stack still reads (docs/performance.md, CLI start-up).
 */
async function buildCli() {
  const lean = { ...common, minifyWhitespace: true, minifySyntax: true };
  // No import(): a script compiled by node:vm has no loader for it on Node 20 (not without
  // a flag, and not at all from a code cache), so esbuild makes each one a require.
  const noImport = { supported: { 'dynamic-import': false } };
  const apart = { './query/main.ts': './patience-query.cjs', './completion/main.ts': './patience-completion.cjs' };
  const main = 'dist/patience-main.cjs';
  await Promise.all([
    build({
      ...lean,
      ...noImport,
      // CommonJS's function wrapper, written around the bundle here so that the launcher
      // compiles the file as it is: no shebang, and never run on its own.
      banner: { js: '(function (exports, require, module, __filename, __dirname) {' },
      footer: { js: '})' },
      entryPoints: ['src/cli/bin.ts'],
      outfile: main,
      plugins: [bundlesApart(apart)],
    }),
    build({
      ...lean,
      ...noImport,
      banner: {},
      entryPoints: ['src/cli/query/main.ts'],
      outfile: 'dist/patience-query.cjs',
    }),
    build({
      ...lean,
      ...noImport,
      banner: {},
      entryPoints: ['src/cli/completion/main.ts'],
      outfile: 'dist/patience-completion.cjs',
    }),
  ]);
  const bytes = readFileSync(main);
  assertAscii(main, bytes);
  if (/\bimport\(/.test(bytes.toString('latin1'))) throw new Error(`${main} must hold no import(): see noImport`);
  const id = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  await build({
    ...lean,
    entryPoints: ['src/cli/launch/bin.ts'],
    outfile: 'dist/patience.cjs',
    define: { ...common.define, __PATIENCE_MAIN_ID__: JSON.stringify(id) },
  });
}

/** An esbuild plugin: src/cli/main.ts's imports named in `apart` become requires of the bundles beside it. */
function bundlesApart(apart) {
  return {
    name: 'bundles-apart',
    setup(b) {
      b.onResolve({ filter: /^\.\/(query|completion)\/main\.ts$/ }, (args) =>
        args.importer.endsWith(join('src', 'cli', 'main.ts')) ? { path: apart[args.path], external: true } : undefined,
      );
    },
  };
}

/**
 * Node reads an ASCII file into a one-byte string at once, but UTF-8 with one non-ASCII
 * character costs it 3-4 ms more on every run (measured on the CLI). esbuild escapes
 * strings, but not characters in regular expression literals: write those as \u escapes.
 */
function assertAscii(file, bytes) {
  const at = bytes.findIndex((b) => b > 0x7f);
  if (at === -1) return;
  const around = bytes.subarray(Math.max(0, at - 40), at + 20).toString('utf8');
  throw new Error(`${file} must be ASCII, but byte ${at} is not: …${around}… (write it as a \\u escape)`);
}

/** The dashboard: TypeScript and CSS (uPlot's included) bundled for the browser, plus static files. */
async function buildWeb() {
  mkdirSync('dist/web', { recursive: true });
  for (const f of ['index.html', 'favicon.svg']) copyFileSync(`src/web/${f}`, `dist/web/${f}`);
  const web = { bundle: true, minify: true, logLevel: 'warning', legalComments: 'none' };
  await Promise.all([
    build({
      ...web,
      entryPoints: ['src/web/main.ts'],
      outfile: 'dist/web/dashboard.js',
      platform: 'browser',
      format: 'iife',
      target: 'es2020',
    }),
    build({ ...web, entryPoints: ['src/web/dashboard.css'], outfile: 'dist/web/dashboard.css' }),
  ]);
}

/**
 * dist/man/patience.1, dist/man/patienced.8 and dist/completion/*: src/cli/man/build-files.ts,
 * bundled on its own and run here, writes them from the same tables as --help, so that the
 * pages and scripts cannot drift from the programs. The roff is our own small writer.
 */
async function buildDocs() {
  const bundled = await build({
    ...common,
    banner: {},
    sourcemap: false,
    entryPoints: ['src/cli/man/build-files.ts'],
    outfile: 'build-files.cjs',
    write: false,
  });
  const dir = mkdtempSync(join(tmpdir(), 'patience-docs-'));
  try {
    const file = join(dir, 'build-files.cjs');
    writeFileSync(file, bundled.outputFiles[0].text);
    const { builtFiles } = createRequire(import.meta.url)(file);
    for (const [path, text] of Object.entries(builtFiles())) {
      mkdirSync(dirname(join('dist', path)), { recursive: true });
      writeFileSync(join('dist', path), text);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
