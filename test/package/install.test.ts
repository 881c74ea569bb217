// The npm package as a user gets it: `npm pack` (its prepack rebuilds dist/) from a copy of
// the checkout, so the suite's own dist/ is never rebuilt under the tests that run it; the
// tarball's file list; `npm install -g` into a temporary prefix, then the installed
// programs from that prefix's bin/; and npx straight from the tarball.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { killLeftovers, isRunning, run, startedPid, type Ran } from '../helpers/service.ts';

const CHECKOUT = path.resolve('.');
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string; man: string[] };
/** The better-sqlite3 that `npm ci` built for this checkout. */
const SQLITE_DIR = path.join(CHECKOUT, 'node_modules/better-sqlite3');
const SQLITE_ADDON = 'build/Release/better_sqlite3.node';
const NPM_FLAGS = ['--allow-scripts=better-sqlite3', '--prefer-offline'];
/** Generous: a Node whose ABI the checkout's addon does not fit compiles SQLite (minutes). */
const INSTALL_TIMEOUT_MS = 8 * 60_000;

let tmp = '';
let npm = '';
let tarball = '';
let packed: { path: string; size: number }[] = [];

before(async () => {
  npm = findNpm();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'patience-npm-pack-'));
  const source = copyCheckout(path.join(tmp, 'source'));
  const pack = await npmRun(['pack', '--json', '--pack-destination', tmp], { cwd: source, timeoutMs: 120_000 });
  assert.equal(pack.code, 0, `npm pack failed:\n${pack.stderr}`);
  assert.doesNotMatch(pack.stderr, /npm warn/i, 'npm pack warns');
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string; size: number }[] }[];
  assert.ok(info !== undefined, `npm pack --json said: ${pack.stdout}`);
  tarball = path.join(tmp, info.filename);
  packed = info.files;
  assert.ok(fs.existsSync(tarball), `${tarball} was written`);
  reuseCheckoutAddon();
});

after(() => {
  killLeftovers();
  if (tmp !== '') fs.rmSync(tmp, { recursive: true, force: true });
});

test('the tarball holds only what runs: bundles, dashboard, man pages, service files, README, LICENSE', () => {
  const paths = packed.map((f) => f.path).sort();
  for (const p of paths) {
    assert.doesNotMatch(p, /^(test|bench|src|docs)\//, `${p}: no tests, benches, sources or docs`);
    assert.doesNotMatch(p, /\.map$/, `${p}: no source maps`);
    assert.doesNotMatch(p, /\.m?ts$/, `${p}: no TypeScript`);
    // Of scripts/, only the service install and what it reads: no build, test or CI scripts.
    assert.ok(
      /^(dist\/|scripts\/(install\.sh|uninstall\.sh|service\/))/.test(p) ||
        ['package.json', 'README.md', 'LICENSE'].includes(p),
      `${p}: nothing beside dist/, the service install and the three top-level files`,
    );
  }
  for (const p of [
    'package.json',
    'README.md',
    'LICENSE',
    'dist/patience.cjs',
    'dist/patience-main.cjs',
    'dist/patience-query.cjs',
    'dist/patience-completion.cjs',
    'dist/patienced.cjs',
    'dist/web/index.html',
    'dist/web/dashboard.js',
    'dist/web/dashboard.css',
    'dist/web/favicon.svg',
    'scripts/install.sh',
    'scripts/uninstall.sh',
    'scripts/service/wrapper.sh.in',
    'scripts/service/daemon.json.in',
    'scripts/service/retry-daemon.service.in',
    'scripts/service/com.retry.daemon.plist.in',
    ...pkg.man.map((m) => path.normalize(m)),
  ]) {
    assert.ok(paths.includes(p), `${p} is in the tarball`);
  }
});

test(
  'npm install -g of the tarball: no warnings, and the installed patienced and patience work together',
  { timeout: INSTALL_TIMEOUT_MS + 60_000 },
  async (t) => {
    const prefix = path.join(tmp, 'prefix');
    const started = Date.now();
    // --allow-scripts: npm 11 asks for better-sqlite3's install script to be approved (README).
    // --prefer-offline: what `npm ci` put in the cache serves, rather than the registry again.
    const install = await npmRun(['install', '-g', '--prefix', prefix, ...NPM_FLAGS, tarball], {
      cwd: tmp,
      timeoutMs: INSTALL_TIMEOUT_MS,
    });
    t.diagnostic(`npm install -g took ${((Date.now() - started) / 1000).toFixed(1)} s; ${addonOrigin(prefix)}`);
    assert.equal(install.code, 0, `npm install -g failed:\n${install.stderr}`);
    assert.doesNotMatch(`${install.stdout}${install.stderr}`, /npm warn/i, 'npm install -g warns');

    const installed = path.join(prefix, 'lib/node_modules/patience');
    // The bundles carry every other dependency: only the native addon is installed beside them.
    assert.ok(fs.existsSync(path.join(installed, 'node_modules/better-sqlite3/package.json')));
    for (const bundled of ['fastify', 'pino', 'commander', 'typebox'])
      assert.equal(fs.existsSync(path.join(installed, 'node_modules', bundled)), false, `${bundled} is not installed`);
    for (const man of pkg.man) {
      const name = path.basename(man);
      const linked = path.join(prefix, 'share/man', `man${name.slice(name.lastIndexOf('.') + 1)}`, name);
      assert.ok(fs.existsSync(linked), `${linked}: man finds the page`);
    }

    await checkInstalledPrograms(path.join(prefix, 'bin'));
  },
);

test('npx runs patience straight from the tarball', { timeout: INSTALL_TIMEOUT_MS + 60_000 }, async () => {
  // npx installs into CACHE/_npx; a cache folder of our own keeps that install inside tmp (and
  // below its .prebuild-installrc), while its _cacache is the real one, so nothing is fetched twice.
  const realCache = (await npmRun(['config', 'get', 'cache'], { cwd: tmp })).stdout.trim();
  assert.ok(path.isAbsolute(realCache), `npm config get cache: ${realCache}`);
  const cache = path.join(tmp, 'npm-cache');
  fs.mkdirSync(path.join(realCache, '_cacache'), { recursive: true });
  fs.mkdirSync(cache);
  fs.symlinkSync(path.join(realCache, '_cacache'), path.join(cache, '_cacache'));
  const npx = path.join(path.dirname(npm), 'npx');
  const r = await run(
    fs.existsSync(npx) ? npx : npm,
    [
      ...(fs.existsSync(npx) ? [] : ['exec']),
      '--yes',
      ...NPM_FLAGS,
      '--cache',
      cache,
      '--package',
      tarball,
      '--',
      'patience',
      '--version',
    ],
    { env: npmEnv(), cwd: tmp, timeoutMs: INSTALL_TIMEOUT_MS },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `patience version ${pkg.version}\n`);
  assert.doesNotMatch(r.stderr, /npm warn/i, 'npx warns');
});

/** patienced on a socket, pid file and port of its own; a patience run reported to it; -stop. */
async function checkInstalledPrograms(bin: string): Promise<void> {
  const work = fs.mkdtempSync(path.join(tmp, 'work-'));
  fs.writeFileSync(path.join(work, 'daemon.json'), '{}\n');
  const socket = path.join(work, 'd.sock');
  const pidFile = path.join(work, 'd.pid');
  const own = ['-config', path.join(work, 'daemon.json'), '-socket', socket, '-pid-file', pidFile, '-port', '0'];
  // As a user runs them: by name, from PATH, through npm's links in bin/.
  const env = { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, HOME: work };

  assert.equal((await run('patience', ['--version'], { env })).stdout, `patience version ${pkg.version}\n`);
  assert.equal((await run('patienced', ['-version'], { env })).stdout, `patienced version ${pkg.version}\n`);
  const start = await run('patienced', [...own, '-data-file', path.join(work, 'metrics.db'), '-daemon'], { env });
  assert.equal(start.code, 0, start.stderr);
  const pid = startedPid(start.stdout);
  const url = `http://${/http +(\S+)/.exec(start.stdout)?.[1] ?? ''}`;

  const ran = await run('patience', ['fixed', '-a', '1', '--', 'true'], {
    env: { ...env, RETRY_SOCKET_PATH: socket, PATIENCE_DEBUG: '1' },
  });
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stderr, /patience: debug: run reported to the daemon/);
  // Acknowledged means stored: the run is there at once.
  const recent = (await (await fetch(`${url}/api/metrics/recent?limit=5`)).json()) as {
    metrics: { metrics: { command: string; final_status: string } }[];
  };
  assert.deepEqual(
    recent.metrics.map((m) => [m.metrics.command, m.metrics.final_status]),
    [['true', 'succeeded']],
  );
  await checkDashboard(url);

  const stop = await run('patienced', [...own, '-stop'], { env });
  assert.equal(stop.code, 0, `${stop.stdout}${stop.stderr}`);
  assert.match(stop.stdout, /patienced stopped/);
  assert.equal(isRunning(pid), false);
  assert.equal(fs.existsSync(pidFile), false, 'the pid file is removed');
}

/** GET / and every /assets/ file it references answer 200: dist/web/ was found beside the bundle. */
async function checkDashboard(url: string): Promise<void> {
  const page = await fetch(`${url}/`);
  assert.equal(page.status, 200);
  const html = await page.text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
  for (const wanted of ['/assets/dashboard.js', '/assets/dashboard.css'])
    assert.ok(assets.includes(wanted), `the page references ${wanted}`);
  for (const asset of assets) {
    const res = await fetch(`${url}${asset}`);
    assert.equal(res.status, 200, asset);
    assert.ok((await res.arrayBuffer()).byteLength > 0, `${asset} is not empty`);
  }
}

function findNpm(): string {
  const found = [
    ...(process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== ''),
    path.dirname(process.execPath),
  ]
    .map((d) => path.join(d, 'npm'))
    .find((p) => fs.existsSync(p));
  if (found === undefined)
    throw new Error(
      'npm is not installed (not on PATH nor beside node): these tests pack and install the package with it; install the npm that comes with Node.js (Debian: apt-get install -y npm).',
    );
  return found;
}

/**
 * This environment without what a parent `npm test` adds (npm_config_*, npm_package_*, ...):
 * the nested npm must read the user's configuration only, as a user's npm does.
 */
function npmEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/^npm_/i.test(k) && k !== 'INIT_CWD') env[k] = v;
  return env;
}

function npmRun(args: string[], opts: { cwd: string; timeoutMs?: number }): Promise<Ran> {
  return run(npm, args, { env: npmEnv(), cwd: opts.cwd, timeoutMs: opts.timeoutMs ?? 60_000 });
}

/** The checkout without its node_modules (linked), git, build output or bench results. */
function copyCheckout(dest: string): string {
  const skip = new Set(['node_modules', '.git', 'dist', '.bench']);
  fs.cpSync(CHECKOUT, dest, {
    recursive: true,
    filter: (src) => {
      const rel = path.relative(CHECKOUT, src);
      return !skip.has(rel.split(path.sep)[0] ?? '') && !/\.(tgz|log)$/.test(rel);
    },
  });
  fs.symlinkSync(path.join(CHECKOUT, 'node_modules'), path.join(dest, 'node_modules'));
  return dest;
}

/**
 * Installing the package builds better-sqlite3, and its prebuilt download cannot be reached
 * here, so it would compile SQLite from source: minutes per install, twice in this file. When
 * the addon `npm ci` built for this checkout loads in this Node (same ABI), it is offered to
 * better-sqlite3's own install script as a local prebuilt (prebuild-install's documented
 * `local-prebuilds` option, read from a .prebuild-installrc that only installs below tmp
 * find): the install script still runs, as it does for a user, and takes the
 * prebuilt path a user with network access takes. A version the checkout did not build falls
 * back to compiling.
 */
function reuseCheckoutAddon(): void {
  const loads = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(SQLITE_DIR)})(':memory:').close()`]);
  if (loads.status !== 0) return;
  const version = (JSON.parse(fs.readFileSync(path.join(SQLITE_DIR, 'package.json'), 'utf8')) as { version: string })
    .version;
  const dir = path.join(tmp, 'prebuilds');
  fs.mkdirSync(dir);
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  const tar = spawnSync('tar', ['-czf', path.join(dir, name), '-C', SQLITE_DIR, SQLITE_ADDON]);
  if (tar.status !== 0) return;
  fs.writeFileSync(path.join(tmp, '.prebuild-installrc'), `local-prebuilds=${dir}\n`);
}

/** Whether the install took the checkout's addon or compiled its own, for the test's log. */
function addonOrigin(prefix: string): string {
  const installed = path.join(prefix, 'lib/node_modules/patience/node_modules/better-sqlite3', SQLITE_ADDON);
  if (!fs.existsSync(installed)) return 'no better-sqlite3 addon was installed';
  return fs.readFileSync(installed).equals(fs.readFileSync(path.join(SQLITE_DIR, SQLITE_ADDON)))
    ? "better-sqlite3's install script took the checkout's addon as its prebuilt"
    : 'better-sqlite3 was compiled from source';
}
