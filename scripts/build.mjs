// Bundles both programs with esbuild: each is one CommonJS file, which starts fastest.
// The daemon keeps better-sqlite3 external (a native addon); the CLI bundle must stay
// free of the daemon's dependencies.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

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
  jobs.push(build({ ...common, entryPoints: ['src/daemon/bin.ts'], outfile: 'dist/patienced.cjs', external: ['better-sqlite3'] }));
}
if (which !== 'daemon') {
  jobs.push(build({ ...common, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/patience.cjs' }));
}
await Promise.all(jobs);
