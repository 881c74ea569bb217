// Bundles both programs with esbuild: each is one CommonJS file, which starts fastest.
// The daemon keeps better-sqlite3 external (a native addon); the CLI bundle must stay
// free of the daemon's dependencies.
import { build } from 'esbuild';
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
if (which !== 'daemon') {
  // Every run compiles the whole CLI bundle before it starts: without whitespace and with
  // simpler syntax it is 36 % smaller and starts 5–7 ms sooner (docs/performance.md). Names
  // stay, so an internal error's stack still reads.
  const lean = { minifyWhitespace: true, minifySyntax: true };
  jobs.push(build({ ...common, ...lean, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/patience.cjs' }));
}
// The man pages and completion files, whichever program is built: they describe both.
jobs.push(buildDocs());
await Promise.all(jobs);

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
