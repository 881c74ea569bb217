// Node 20's test runner neither expands globs nor finds .ts files, so list them here.
// Unit tests (src/**/*.test.ts) run through tsx; end-to-end tests (test/**/*.test.ts)
// drive the built binaries in dist/.
//
//   node scripts/test.mjs              the whole suite, after a preflight of the tools it drives
//   node scripts/test.mjs --unit       the unit and in-process tests only (src/), no tools needed
//   node scripts/test.mjs FILE...      those files
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { findTestFiles } from './lib/test-files.mjs';

const executable = (p) => {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
};
const onPath = (cmd) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && executable(join(dir, cmd)));

/** The tools the end-to-end tests drive, each with the Debian package that has it. */
function missingTools() {
  const chromium = process.env.PATIENCE_CHROMIUM || '/usr/bin/chromium';
  const wanted = [
    [executable(chromium), `${chromium} (apt-get install -y chromium fonts-liberation, or set PATIENCE_CHROMIUM)`],
    [onPath('promtool'), 'promtool (apt-get install -y prometheus)'],
    [onPath('systemd-analyze'), 'systemd-analyze (apt-get install -y systemd)'],
    [onPath('xmllint'), 'xmllint (apt-get install -y libxml2-utils)'],
    [onPath('python3'), 'python3 (apt-get install -y python3)'],
    [onPath('curl'), 'curl (apt-get install -y curl)'],
    [onPath('man'), 'man (apt-get install -y man-db)'],
  ];
  return wanted.filter(([ok]) => !ok).map(([, what]) => what);
}

const args = process.argv.slice(2);
const unit = args.includes('--unit');
const only = args.filter((a) => a !== '--unit');
if (!unit && only.length === 0) {
  const missing = missingTools();
  if (missing.length > 0) {
    process.stderr.write(
      `The test suite needs tools that are missing:\n${missing.map((m) => `  - ${m}\n`).join('')}scripts/ci.sh installs them all; \`npm run test:unit\` needs none of them.\n`,
    );
    process.exit(1);
  }
}
const files =
  only.length > 0 ? only : unit ? findTestFiles('src') : [...findTestFiles('src'), ...findTestFiles('test')];
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
});
process.exit(res.status ?? 1);
