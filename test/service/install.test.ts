// scripts/install.sh and scripts/uninstall.sh, staged into a DESTDIR (no root, no user,
// no service manager), also as `patienced -install-service` / `-uninstall-service` from a
// checkout, an installed package and an installed service, and the service files they
// write, checked by the tools that read them.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DAEMON_BIN, tempDir } from '../helpers/daemon.ts';
import { runRecord, send } from '../helpers/socket.ts';
import { isRunning, killLeftovers, run, startedPid, type Ran } from '../helpers/service.ts';

after(killLeftovers);

const PREFIX = '/usr/local';
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { version: string };

function script(
  name: 'install.sh' | 'uninstall.sh',
  stage: string,
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<Ran> {
  return run('bash', [path.resolve('scripts', name), ...args], {
    env: { DESTDIR: stage, NODE: process.execPath, ...env },
    timeoutMs: 60_000,
  });
}

function has(cmd: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => fs.existsSync(path.join(d, cmd)));
}

/** Every file (not directory) under a tree, relative to it. */
function files(root: string): string[] {
  return (fs.readdirSync(root, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => !e.isDirectory())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .sort();
}

test('install.sh stages programs, directories, config and service file into DESTDIR; the staged copy runs', async () => {
  const stage = tempDir('patience-stage-');
  const first = await script('install.sh', stage, { TARGET_OS: 'linux' });
  assert.equal(first.code, 0, first.stderr);
  const at = (p: string): string => path.join(stage, p);
  for (const bin of ['bin/patienced', 'bin/patience']) {
    assert.ok(fs.statSync(at(`${PREFIX}/${bin}`)).mode & 0o111, `${bin} is executable`);
  }
  for (const f of [
    'lib/patience/dist/patienced.cjs',
    'lib/patience/dist/patience.cjs',
    'lib/patience/dist/patience-main.cjs',
    'lib/patience/dist/patience-query.cjs',
    'lib/patience/dist/web/index.html',
    'lib/patience/package.json',
    'lib/patience/node_modules/better-sqlite3/lib/index.js',
    'lib/patience/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
    'lib/patience/node_modules/bindings/bindings.js',
  ]) {
    assert.ok(fs.existsSync(at(`${PREFIX}/${f}`)), f);
  }
  assert.equal(
    fs.existsSync(at(`${PREFIX}/lib/patience/node_modules/better-sqlite3/deps`)),
    false,
    'no SQLite sources',
  );
  for (const d of ['etc/retry', 'var/lib/retry', 'var/log/retry'])
    assert.ok(fs.statSync(at(`${PREFIX}/${d}`)).isDirectory(), d);
  const config = JSON.parse(fs.readFileSync(at(`${PREFIX}/etc/retry/daemon.json`), 'utf8')) as Record<string, unknown>;
  assert.equal(config.data_file, '/usr/local/var/lib/retry/metrics.db');
  // The service's runtime files are in its RuntimeDirectory, not in a shared /tmp.
  assert.equal(config.socket_path, '/run/retry-daemon/daemon.sock');
  assert.equal(config.pid_file, '/run/retry-daemon/daemon.pid');
  // An installed patience reports to the service's socket without configuration.
  assert.match(
    fs.readFileSync(at(`${PREFIX}/bin/patience`), 'utf8'),
    /RETRY_SOCKET_PATH=\/run\/retry-daemon\/daemon\.sock\n/,
  );
  const unit = fs.readFileSync(at('/etc/systemd/system/retry-daemon.service'), 'utf8');
  for (const line of [
    'User=retry',
    'RuntimeDirectory=retry-daemon',
    'RuntimeDirectoryMode=0750',
    'ExecStart=/usr/local/bin/patienced -config /usr/local/etc/retry/daemon.json -socket /run/retry-daemon/daemon.sock -pid-file /run/retry-daemon/daemon.pid',
    'Restart=on-failure',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    'ReadWritePaths=/usr/local/var/lib/retry /usr/local/var/log/retry',
  ]) {
    assert.ok(unit.split('\n').includes(line), line);
  }

  const patiencedBin = at(`${PREFIX}/bin/patienced`);
  const version = await run(patiencedBin, ['-version']);
  assert.equal(version.stdout, `patienced version ${pkg.version}\n`, version.stderr);
  assert.equal((await run(at(`${PREFIX}/bin/patience`), ['--version'])).stdout, `patience version ${pkg.version}\n`);

  // The default daemon.json is valid (a config error would exit 2; 3 is "not running").
  const work = tempDir();
  const own = ['-socket', path.join(work, 'd.sock'), '-pid-file', path.join(work, 'd.pid'), '-port', '0'];
  assert.equal(
    (await run(patiencedBin, ['-config', at(`${PREFIX}/etc/retry/daemon.json`), ...own, '-status'])).code,
    3,
  );

  // The staged daemon runs from the staged tree, with SQLite from the staged node_modules.
  fs.writeFileSync(path.join(work, 'daemon.json'), '{}');
  const args = ['-config', path.join(work, 'daemon.json'), ...own, '-data-file', path.join(work, 'metrics.db')];
  const started = await run(patiencedBin, [...args, '-daemon']);
  assert.equal(started.code, 0, started.stderr);
  const pid = startedPid(started.stdout);
  assert.match(
    fs.readFileSync(`/proc/${pid}/cmdline`, 'latin1'),
    new RegExp(`${stage}/usr/local/lib/patience/dist/patienced\\.cjs`),
  );
  assert.deepEqual(await send(path.join(work, 'd.sock'), [runRecord()]), [{ status: 'ok' }]);
  const http = /http +(\S+)/.exec(started.stdout)?.[1] ?? '';
  const page = await fetch(`http://${http}/`);
  assert.equal(page.status, 200, 'the dashboard files came along');
  assert.match(await page.text(), /<html/i);
  const status = await run(patiencedBin, [...args, '-status']);
  assert.match(status.stdout, new RegExp(`storage +${path.join(work, 'metrics.db')}`));
  assert.match(status.stdout, /records +1 /);
  assert.equal((await run(patiencedBin, [...args, '-stop'])).code, 0);
  assert.equal(isRunning(pid), false);

  // A second run upgrades the programs and keeps an edited daemon.json.
  const edited =
    '{ "max_metrics": 5000, "data_file": "/srv/retry/metrics.db", "socket_path": "/tmp/retry-daemon.sock" }\n';
  fs.writeFileSync(at(`${PREFIX}/etc/retry/daemon.json`), edited);
  const second = await script('install.sh', stage, { TARGET_OS: 'linux' });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /kept the existing \/usr\/local\/etc\/retry\/daemon\.json/);
  assert.match(
    second.stdout,
    /note: the service now keeps its socket and pid file in \/run\/retry-daemon; set "socket_path"/,
  );
  assert.equal(fs.readFileSync(at(`${PREFIX}/etc/retry/daemon.json`), 'utf8'), edited);
  assert.equal((await run(patiencedBin, ['-version'])).code, 0);
  assert.deepEqual(fs.readdirSync(at(`${PREFIX}/lib`)), ['patience'], 'no staging or old trees are left beside it');
  fs.rmSync(stage, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

test('uninstall.sh removes what install.sh put, and keeps config, data and logs unless --purge', async () => {
  const stage = tempDir('patience-stage-');
  assert.equal((await script('install.sh', stage, { TARGET_OS: 'linux' })).code, 0);
  assert.equal((await script('install.sh', path.join(stage, 'mac'), { TARGET_OS: 'darwin' })).code, 0);
  for (const root of [stage, path.join(stage, 'mac')]) {
    fs.writeFileSync(path.join(root, PREFIX, 'var/lib/retry/metrics.db'), 'data');
    fs.writeFileSync(path.join(root, PREFIX, 'var/log/retry/daemon.log'), 'log');
  }
  const kept = [
    `usr/local/etc/retry/daemon.json`,
    `usr/local/var/lib/retry/metrics.db`,
    `usr/local/var/log/retry/daemon.log`,
  ];

  const r = await script('uninstall.sh', stage);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(
    files(stage).filter((f) => !f.startsWith('mac/')),
    kept,
  );
  assert.match(r.stdout, /kept \/usr\/local\/var\/lib\/retry \(remove it with --purge\)/);
  const purge = await script('uninstall.sh', stage, {}, ['--purge']);
  assert.equal(purge.code, 0, purge.stderr);
  assert.deepEqual(
    files(stage).filter((f) => !f.startsWith('mac/')),
    [],
  );

  const mac = path.join(stage, 'mac');
  assert.equal((await script('uninstall.sh', mac, { PURGE: '1' })).code, 0);
  assert.deepEqual(files(mac), [], 'nothing of the launchd install is left');
  fs.rmSync(stage, { recursive: true, force: true });
});

// scripts/ci.sh installs systemd-analyze and python3, so a missing tool fails here.
test('the systemd unit passes systemd-analyze verify', async () => {
  const stage = tempDir('patience-stage-');
  assert.equal((await script('install.sh', stage, { TARGET_OS: 'linux' })).code, 0);
  // Verified inside the staged tree (--root), so ExecStart must exist there; the staged tree
  // borrows this system's own units (sysinit.target and the like) for the dependencies.
  fs.mkdirSync(path.join(stage, 'usr/lib'), { recursive: true });
  fs.symlinkSync('/usr/lib/systemd', path.join(stage, 'usr/lib/systemd'));
  const v = await run('systemd-analyze', ['verify', `--root=${stage}`, '/etc/systemd/system/retry-daemon.service']);
  const ours = `${v.stdout}${v.stderr}`.split('\n').filter((l) => l.includes('retry-daemon'));
  assert.deepEqual(ours, [], 'no complaint about the unit');
  assert.equal(v.code, 0, v.stderr);

  // And it does complain when ExecStart is missing: the check is real.
  fs.rmSync(path.join(stage, PREFIX, 'bin/patienced'));
  const missing = await run('systemd-analyze', [
    'verify',
    `--root=${stage}`,
    '/etc/systemd/system/retry-daemon.service',
  ]);
  assert.notEqual(missing.code, 0);
  assert.match(missing.stderr, /retry-daemon\.service: Command \/usr\/local\/bin\/patienced is not executable/);
  fs.rmSync(stage, { recursive: true, force: true });
});

test('the launchd plist is well-formed and says what the original documents', async () => {
  const stage = tempDir('patience-stage-');
  assert.equal((await script('install.sh', stage, { TARGET_OS: 'darwin' })).code, 0);
  const plistPath = path.join(stage, 'Library/LaunchDaemons/com.retry.daemon.plist');
  if (has('xmllint')) {
    const lint = await run('xmllint', ['--noout', plistPath]);
    assert.equal(lint.code, 0, lint.stderr);
  }
  // plistlib parses the XML (expat) and the plist structure both.
  const parsed = await run('python3', [
    '-c',
    'import json, plistlib, sys; print(json.dumps(plistlib.load(open(sys.argv[1], "rb"))))',
    plistPath,
  ]);
  assert.equal(parsed.code, 0, parsed.stderr);
  const plist = JSON.parse(parsed.stdout) as Record<string, unknown>;
  assert.equal(plist.Label, 'com.retry.daemon');
  assert.deepEqual(plist.ProgramArguments, [
    '/usr/local/bin/patienced',
    '-config',
    '/usr/local/etc/retry/daemon.json',
    '-log-file',
    '/usr/local/var/log/retry/daemon.log',
  ]);
  assert.equal(plist.UserName, '_retry');
  assert.equal(plist.StandardErrorPath, '/usr/local/var/log/retry/daemon.log');
  assert.deepEqual(plist.KeepAlive, { SuccessfulExit: false });
  assert.equal(plist.RunAtLoad, true);
  fs.rmSync(stage, { recursive: true, force: true });
});

/**
 * `patienced FLAG` with DESTDIR set, always: these tests run as root, and without DESTDIR
 * the installer would install for real. `program` is a bundle (run with this node) or a
 * staged wrapper.
 */
function service(
  flag: '-install-service' | '-uninstall-service',
  stage: string,
  env: Record<string, string> = {},
  program = DAEMON_BIN,
): Promise<Ran> {
  assert.ok(path.isAbsolute(stage) && stage !== '/', `DESTDIR must be a staging directory, not ${stage}`);
  const [file, args] = program.endsWith('.cjs') ? [process.execPath, [program, flag]] : [program, [flag]];
  return run(file, args, { env: { HOME: stage, ...env, DESTDIR: stage }, timeoutMs: 60_000 });
}

/** Every file under a tree with its mode and a digest of its content (a symlink as its target). */
function tree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of files(root)) {
    const full = path.join(root, f);
    const st = fs.lstatSync(full);
    const body = st.isSymbolicLink() ? `-> ${fs.readlinkSync(full)}` : fs.readFileSync(full);
    out.set(f, `${(st.mode & 0o7777).toString(8)} ${createHash('sha256').update(body).digest('hex')}`);
  }
  return out;
}

/** The files of two trees that differ (missing on one side, or another mode or content). */
function differences(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((f) => a.get(f) !== b.get(f)).sort();
}

const OPT = '/opt/patience';

test('patienced -install-service stages what install.sh does, under PREFIX; -uninstall-service takes it away', async (t) => {
  const root = tempDir('patience-stage-');
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  for (const os of ['linux', 'darwin']) {
    const byScript = path.join(root, os, 'script');
    const byFlag = path.join(root, os, 'flag');
    const env = { TARGET_OS: os, PREFIX: OPT };
    const direct = await script('install.sh', byScript, env);
    assert.equal(direct.code, 0, direct.stderr);
    const flagged = await service('-install-service', byFlag, env);
    assert.equal(flagged.code, 0, flagged.stderr);
    // The same words, since it is the same script: only the staging directory differs.
    assert.equal(flagged.stdout, direct.stdout);
    assert.match(flagged.stdout, /^install\.sh: installed patience .* in \/opt\/patience\/lib\/patience/);
    const staged = tree(byFlag);
    assert.deepEqual(differences(staged, tree(byScript)), [], 'the same files, modes and contents');
    assert.ok(staged.has('opt/patience/lib/patience/dist/patienced.cjs'));
    assert.ok(staged.has('opt/patience/lib/patience/scripts/uninstall.sh'), 'the installed copy can uninstall itself');
    assert.ok(staged.has('opt/patience/bin/patienced'));
    const config = JSON.parse(fs.readFileSync(path.join(byFlag, OPT, 'etc/retry/daemon.json'), 'utf8')) as {
      data_file: string;
    };
    assert.equal(config.data_file, '/opt/patience/var/lib/retry/metrics.db');
    if (os === 'linux') {
      const unit = fs.readFileSync(path.join(byFlag, 'etc/systemd/system/retry-daemon.service'), 'utf8');
      assert.match(
        unit,
        /^ExecStart=\/opt\/patience\/bin\/patienced -config \/opt\/patience\/etc\/retry\/daemon\.json /m,
      );
    } else {
      const plist = fs.readFileSync(path.join(byFlag, 'Library/LaunchDaemons/com.retry.daemon.plist'), 'utf8');
      assert.match(plist, /<string>\/opt\/patience\/bin\/patienced<\/string>/);
    }

    const removed = await service('-uninstall-service', byFlag, { PREFIX: OPT });
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /removed \/opt\/patience\/lib\/patience/);
    assert.deepEqual(files(byFlag), ['opt/patience/etc/retry/daemon.json'], 'configuration kept, the rest gone');
    const purged = await service('-uninstall-service', byFlag, { PREFIX: OPT, PURGE: '1' });
    assert.equal(purged.code, 0, purged.stderr);
    assert.deepEqual(files(byFlag), []);
  }
});

/** The parts of better-sqlite3 that install.sh copies, copied to `to`. */
function copySqlite(to: string): void {
  const from = path.resolve('node_modules/better-sqlite3');
  fs.mkdirSync(path.join(to, 'build/Release'), { recursive: true });
  for (const f of ['package.json', 'lib', 'LICENSE', 'build/Release/better_sqlite3.node'])
    fs.cpSync(path.join(from, f), path.join(to, f), { recursive: true });
}

/**
 * A tree like an installed npm package: dist/, scripts/ and package.json; no devDependencies
 * and no checkout around it.
 */
function packageAt(dir: string): string {
  fs.mkdirSync(path.join(dir, 'scripts'), { recursive: true });
  fs.cpSync('dist', path.join(dir, 'dist'), { recursive: true });
  for (const f of ['install.sh', 'uninstall.sh', 'service'])
    fs.cpSync(path.join('scripts', f), path.join(dir, 'scripts', f), { recursive: true });
  fs.copyFileSync('package.json', path.join(dir, 'package.json'));
  return path.join(dir, 'dist/patienced.cjs');
}

test('an installed package installs its service: modules of its own, or hoisted and nested', async (t) => {
  const root = tempDir('patience-package-');
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const reference = path.join(root, 'reference');
  assert.equal((await script('install.sh', reference, { TARGET_OS: 'linux' })).code, 0);
  const want = tree(reference);

  // npm install -g: <prefix>/lib/node_modules/patience with its dependencies in its own
  // node_modules (here linked to the checkout's, as npm links a package installed from a folder).
  const global = path.join(root, 'global/lib/node_modules/patience');
  const globalBundle = packageAt(global);
  fs.mkdirSync(path.join(global, 'node_modules'));
  for (const m of ['better-sqlite3', 'bindings', 'file-uri-to-path'])
    fs.symlinkSync(path.resolve('node_modules', m), path.join(global, 'node_modules', m));
  // npm install in a project: the dependencies hoisted beside the package, bindings nested
  // in better-sqlite3 (copies: nothing may come from the checkout's node_modules).
  const project = path.join(root, 'project/node_modules');
  const hoistedBundle = packageAt(path.join(project, 'patience'));
  copySqlite(path.join(project, 'better-sqlite3'));
  fs.cpSync('node_modules/bindings', path.join(project, 'better-sqlite3/node_modules/bindings'), { recursive: true });
  fs.cpSync('node_modules/file-uri-to-path', path.join(project, 'file-uri-to-path'), { recursive: true });

  for (const [name, bundle] of [
    ['global', globalBundle],
    ['hoisted', hoistedBundle],
  ] as const) {
    const stage = path.join(root, `stage-${name}`);
    const r = await service('-install-service', stage, { TARGET_OS: 'linux' }, bundle);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.deepEqual(differences(tree(stage), want), [], `${name}: the same tree as from the checkout`);
  }
  // The same from the package's own scripts/install.sh, run directly.
  const direct = await run('bash', [path.join(project, 'patience/scripts/install.sh')], {
    env: { DESTDIR: path.join(root, 'stage-direct'), NODE: process.execPath, TARGET_OS: 'linux' },
    timeoutMs: 60_000,
  });
  assert.equal(direct.code, 0, direct.stderr);
  assert.deepEqual(differences(tree(path.join(root, 'stage-direct')), want), []);

  // A package whose better-sqlite3 is gone: one line saying so, and nothing staged.
  fs.rmSync(path.join(project, 'better-sqlite3'), { recursive: true });
  const broken = await run('bash', [path.join(project, 'patience/scripts/install.sh')], {
    env: { DESTDIR: path.join(root, 'stage-broken'), NODE: process.execPath, TARGET_OS: 'linux' },
  });
  assert.equal(broken.code, 1);
  assert.equal(
    broken.stderr,
    'install.sh: node_modules/better-sqlite3 is missing: npm ci (in a checkout), or install the package again\n',
  );
  assert.equal(fs.existsSync(path.join(root, 'stage-broken')), false);
});

test('the installed service runs -install-service and -uninstall-service by itself; without its scripts it says so', async (t) => {
  const stage = tempDir('patience-stage-');
  t.after(() => fs.rmSync(stage, { recursive: true, force: true }));
  assert.equal((await script('install.sh', stage, { TARGET_OS: 'linux' })).code, 0);
  const before = tree(stage);
  const wrapper = path.join(stage, PREFIX, 'bin/patienced');
  // Again from its own copy: an upgrade to the same version changes nothing.
  const again = await service('-install-service', stage, { TARGET_OS: 'linux' }, wrapper);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /kept the existing \/usr\/local\/etc\/retry\/daemon\.json/);
  assert.deepEqual(differences(tree(stage), before), []);

  // A service installed before the scripts came along: one line, exit 1, nothing removed.
  const scripts = path.join(stage, PREFIX, 'lib/patience/scripts');
  fs.renameSync(scripts, `${scripts}.away`);
  const lost = await service('-uninstall-service', stage, {}, wrapper);
  assert.equal(lost.code, 1);
  assert.equal(
    lost.stderr,
    `patienced: cannot -uninstall-service: ${scripts}/uninstall.sh is missing ` +
      `(${path.join(stage, PREFIX, 'lib/patience/dist/patienced.cjs')} was copied without the rest of its package); ` +
      'use the patienced of an installed package or a checkout, or run its scripts/uninstall.sh\n',
  );
  assert.equal(lost.stdout, '');
  fs.renameSync(`${scripts}.away`, scripts);
  assert.deepEqual(differences(tree(stage), before), []);

  const removed = await service('-uninstall-service', stage, {}, wrapper);
  assert.equal(removed.code, 0, removed.stderr);
  assert.deepEqual(files(stage), ['usr/local/etc/retry/daemon.json']);
});
