// Storage faults against the real daemon: a full disk (a small tmpfs), a data file deleted
// or replaced under it, and a data file it cannot write. Never a crash, never an ok for a
// record that is not stored, and /api/health says what is wrong.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DAEMON_BIN, getJson, spawnTestDaemon, tempDir, type TestDaemon } from '../helpers/daemon.ts';
import { runRecord, send } from '../helpers/socket.ts';

const IS_ROOT = process.getuid?.() === 0;

/** Undo steps run last-in first-out after the test, pass or fail: daemons, then mounts, then files. */
function cleanups(t: TestContext): (step: () => unknown) => void {
  const steps: Array<() => unknown> = [];
  t.after(async () => {
    for (const step of steps.reverse()) {
      try {
        await step();
      } catch {
        // keep undoing the rest
      }
    }
  });
  return (step) => steps.push(step);
}

/** A tmpfs of `size` at dir/name, unmounted in cleanup; undefined when mounting is not possible here. */
function tmpfs(dir: string, name: string, size: string, undo: (s: () => unknown) => void): string | undefined {
  if (!IS_ROOT) return undefined;
  const mnt = path.join(dir, name);
  fs.mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mnt], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  undo(() => execFileSync('umount', ['-l', mnt], { stdio: 'ignore' }));
  return mnt;
}

/** Writes zeros until the file system says ENOSPC. */
function fillUp(file: string): void {
  const block = Buffer.alloc(4096);
  const fd = fs.openSync(file, 'a');
  try {
    for (;;) fs.writeSync(fd, block);
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    fs.closeSync(fd);
  }
}

async function sendOne(d: TestDaemon, command: string): Promise<Record<string, unknown>> {
  const [reply] = await send(d.socketPath, [runRecord({ command })]);
  assert.ok(reply, 'a reply');
  return reply;
}

async function storedCommands(d: TestDaemon): Promise<Set<string>> {
  const text = await (await fetch(`${d.url}/api/metrics/export?format=ndjson`)).text();
  return new Set(
    text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { metrics: { command: string } }).metrics.command),
  );
}

function assertRefused(reply: Record<string, unknown>, why: RegExp): void {
  assert.equal(reply.status, 'error', `refused, not acknowledged: ${JSON.stringify(reply)}`);
  assert.match(String(reply.error), /^storage_error: the record was not stored: /);
  assert.match(String(reply.error), why);
}

test('full disk: records get storage_error and never ok, health degraded, acks again once space is freed; every acked record survives kill -9', async (t) => {
  const undo = cleanups(t);
  const dir = tempDir();
  undo(() => fs.rmSync(dir, { recursive: true, force: true }));
  const disk = tmpfs(dir, 'disk', '1m', undo);
  if (disk === undefined) {
    t.skip('needs root and mount -t tmpfs to make a full disk');
    return;
  }
  const args = ['-data-file', path.join(disk, 'metrics.db')];
  const d = await spawnTestDaemon({ dir, args });
  undo(() => d.stop('SIGKILL'));
  const acked = new Set<string>();
  const refused = new Set<string>();
  const record = async (command: string): Promise<Record<string, unknown>> => {
    const reply = await sendOne(d, command);
    (reply.status === 'ok' ? acked : refused).add(command);
    return reply;
  };

  for (let i = 0; i < 5; i++) assert.equal((await record(`before-${i}`)).status, 'ok');
  fillUp(path.join(disk, 'fill'));
  for (let i = 0; i < 20; i++) assertRefused(await record(`full-${i}`), /database or disk is full \(SQLITE_FULL\)/);

  const health = await getJson(`${d.url}/api/health`);
  assert.equal(health.status, 503);
  assert.equal((health.body as { status: string }).status, 'degraded');
  assert.match((health.body as { reason: string }).reason, /storing records failed: database or disk is full/);
  const stats = (await getJson(`${d.url}/api/daemon/stats`)).body as { rejected: Record<string, number> };
  assert.equal(stats.rejected.storage_error, 20);
  assert.equal(d.child.exitCode, null, 'the daemon is still running');
  assert.match(d.logs(), /storage fault: storing records failed/);

  fs.rmSync(path.join(disk, 'fill'));
  for (let i = 0; i < 5; i++) assert.equal((await record(`after-${i}`)).status, 'ok');
  assert.equal((await getJson(`${d.url}/api/health`)).status, 200);
  assert.match(d.logs(), /storage recovered: ingest/);

  // Acknowledged means on disk: even without a clean stop.
  await d.stop('SIGKILL');
  const again = await spawnTestDaemon({ dir, args });
  undo(() => again.stop());
  const present = await storedCommands(again);
  assert.deepEqual(
    [...acked].filter((c) => !present.has(c)),
    [],
    'acknowledged records lost',
  );
  assert.deepEqual(
    [...refused].filter((c) => present.has(c)),
    [],
    'refused records were stored after all',
  );
  assert.equal(acked.size, 10);
});

test('data file renamed away under the daemon: unhealthy, nothing acked, logged; moved back: acks again', async (t) => {
  const undo = cleanups(t);
  const dir = tempDir();
  undo(() => fs.rmSync(dir, { recursive: true, force: true }));
  const dataFile = path.join(dir, 'metrics.db');
  const d = await spawnTestDaemon({ dir, args: ['-data-file', dataFile] });
  undo(() => d.stop());
  assert.equal((await sendOne(d, 'one')).status, 'ok');

  fs.renameSync(dataFile, `${dataFile}.moved`);
  // Health sees it without any record coming in.
  const health = await getJson(`${d.url}/api/health`);
  assert.equal(health.status, 503);
  assert.equal((health.body as { status: string }).status, 'unhealthy');
  assert.equal(
    (health.body as { reason: string }).reason,
    `data_file ${dataFile} was deleted or renamed while patienced ran`,
  );
  assertRefused(await sendOne(d, 'two'), new RegExp(`data_file ${dataFile} was deleted or renamed`));
  assertRefused(await sendOne(d, 'three'), /deleted or renamed/);
  assert.match(d.logs(), /"level":50[^\n]*storage fault: data_file/);

  fs.renameSync(`${dataFile}.moved`, dataFile);
  assert.equal((await sendOne(d, 'four')).status, 'ok');
  assert.equal((await getJson(`${d.url}/api/health`)).status, 200);
  assert.equal(await d.stop(), 0);

  const again = await spawnTestDaemon({ dir, args: ['-data-file', dataFile] });
  undo(() => again.stop());
  assert.deepEqual([...(await storedCommands(again))].sort(), ['four', 'one']);
});

test('data file deleted, or replaced by a copy, under the daemon: every later record is refused', async (t) => {
  const undo = cleanups(t);
  const dir = tempDir();
  undo(() => fs.rmSync(dir, { recursive: true, force: true }));
  const dataFile = path.join(dir, 'metrics.db');
  const d = await spawnTestDaemon({ dir, args: ['-data-file', dataFile] });
  undo(() => d.stop());
  assert.equal((await sendOne(d, 'one')).status, 'ok');

  // A copy put in its place (what a careless restore from backup does).
  fs.copyFileSync(dataFile, `${dataFile}.copy`);
  fs.renameSync(`${dataFile}.copy`, dataFile);
  assertRefused(await sendOne(d, 'two'), /was replaced by another file/);

  fs.rmSync(dataFile);
  for (const c of ['three', 'four']) assertRefused(await sendOne(d, c), /was deleted or renamed/);
  const health = await getJson(`${d.url}/api/health`);
  assert.equal((health.body as { status: string }).status, 'unhealthy');
});

test('the -wal deleted under the daemon: records refused, and those acked before survive a clean restart', async (t) => {
  const undo = cleanups(t);
  const dir = tempDir();
  undo(() => fs.rmSync(dir, { recursive: true, force: true }));
  const dataFile = path.join(dir, 'metrics.db');
  const d = await spawnTestDaemon({ dir, args: ['-data-file', dataFile] });
  undo(() => d.stop());
  for (const c of ['one', 'two']) assert.equal((await sendOne(d, c)).status, 'ok');
  fs.rmSync(`${dataFile}-wal`);
  assertRefused(await sendOne(d, 'three'), /metrics\.db-wal was deleted/);
  assert.equal((await getJson(`${d.url}/api/health`)).status, 503);
  assert.equal(await d.stop(), 0);

  const again = await spawnTestDaemon({ dir, args: ['-data-file', dataFile] });
  undo(() => again.stop());
  assert.deepEqual([...(await storedCommands(again))].sort(), ['one', 'two']);
});

interface Exit {
  code: number | null;
  output: string;
}

/** Runs patienced expecting it to stop by itself; one that starts listening is killed and reported. */
async function runToExit(dir: string, args: string[], opts: { asNobody?: boolean } = {}): Promise<Exit> {
  const full = [
    DAEMON_BIN,
    '-socket',
    path.join(dir, 'd.sock'),
    '-pid-file',
    path.join(dir, 'd.pid'),
    '-port',
    '0',
    '-config',
    path.join(dir, 'daemon.json'),
    ...args,
  ];
  fs.writeFileSync(path.join(dir, 'daemon.json'), '{}\n', { mode: 0o644 });
  const [cmd, argv] = opts.asNobody
    ? ['setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, ...full]]
    : [process.execPath, full];
  const child = spawn(cmd, argv as string[], {
    env: { PATH: process.env.PATH ?? '', HOME: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = new Promise<void>((resolve) => {
    const look = (b: Buffer): void => {
      output += b.toString();
      if (output.includes('patienced listening')) resolve();
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
  });
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 15_000).unref());
  const first = await Promise.race([exited, listening.then(() => 'listening' as const), timeout]);
  if (first === 'listening' || first === 'timeout') {
    child.kill('SIGKILL');
    await exited;
    return { code: null, output: `${first}: ${output}` };
  }
  return { code: first, output };
}

function assertRefusedAtStart(r: Exit, dataFile: string): void {
  assert.equal(r.code, 1, `exit 1 at start-up, got: ${r.output}`);
  assert.match(r.output, new RegExp(`patienced: data_file ${dataFile}: `));
  assert.match(r.output, /choose another data_file \(-data-file\)/);
}

/** A data file with a record in it, made by the daemon itself. */
async function makeDataFile(dir: string): Promise<string> {
  const dataFile = path.join(dir, 'metrics.db');
  const d = await spawnTestDaemon({ dir, args: ['-data-file', dataFile] });
  assert.equal((await sendOne(d, 'one')).status, 'ok');
  assert.equal(await d.stop(), 0);
  return dataFile;
}

test('an immutable data file (chattr +i) stops start-up with exit 1 naming data_file', async (t) => {
  const undo = cleanups(t);
  const dir = tempDir();
  undo(() => fs.rmSync(dir, { recursive: true, force: true }));
  const dataFile = await makeDataFile(dir);
  try {
    execFileSync('chattr', ['+i', dataFile], { stdio: 'ignore' });
  } catch {
    t.skip('chattr +i is not available here (needs root and a file system that supports it)');
    return;
  }
  undo(() => execFileSync('chattr', ['-i', dataFile], { stdio: 'ignore' }));
  const r = await runToExit(dir, ['-data-file', dataFile]);
  assertRefusedAtStart(r, dataFile);
  assert.match(r.output, /cannot be written: attempt to write a readonly database/);
  assert.equal(fs.existsSync(path.join(dir, 'd.pid')), false, 'no pid file left behind');
});

test('a data file on a read-only file system stops start-up with exit 1 naming data_file', async (t) => {
  const undo = cleanups(t);
  const dir = tempDir();
  undo(() => fs.rmSync(dir, { recursive: true, force: true }));
  const disk = tmpfs(dir, 'ro', '4m', undo);
  if (disk === undefined) {
    t.skip('needs root and mount -t tmpfs for a read-only file system');
    return;
  }
  const dataFile = await makeDataFile(disk);
  execFileSync('mount', ['-o', 'remount,ro', disk], { stdio: 'ignore' });
  // The pid file and socket live outside the read-only mount.
  const run = path.join(dir, 'run');
  fs.mkdirSync(run);
  const r = await runToExit(run, ['-data-file', dataFile]);
  assertRefusedAtStart(r, dataFile);
});

test('a data file the daemon user may not write (root-owned 0444, daemon as nobody) stops start-up with exit 1', async (t) => {
  if (!IS_ROOT) {
    t.skip('needs root to run the daemon as nobody against a root-owned file');
    return;
  }
  const undo = cleanups(t);
  const dir = tempDir();
  undo(() => fs.rmSync(dir, { recursive: true, force: true }));
  const dataFile = await makeDataFile(dir);
  fs.chmodSync(dataFile, 0o444);
  // nobody may create files here (its pid file, socket, and SQLite's -wal), but not write the data file.
  fs.chmodSync(dir, 0o777);
  const r = await runToExit(dir, ['-data-file', dataFile], { asNobody: true });
  assertRefusedAtStart(r, dataFile);
});

test('a data file in a directory the daemon may not write stops start-up with exit 1 (SQLite cannot make its -wal)', async (t) => {
  if (!IS_ROOT) {
    t.skip('needs root to run the daemon as nobody');
    return;
  }
  const undo = cleanups(t);
  const dir = tempDir();
  undo(() => fs.rmSync(dir, { recursive: true, force: true }));
  const dataDir = path.join(dir, 'data');
  fs.mkdirSync(dataDir);
  const dataFile = await makeDataFile(dataDir);
  fs.chmodSync(dataFile, 0o666);
  fs.chmodSync(dataDir, 0o755);
  fs.chmodSync(dir, 0o777);
  const run = path.join(dir, 'run');
  fs.mkdirSync(run, { mode: 0o777 });
  fs.chmodSync(run, 0o777);
  const r = await runToExit(run, ['-data-file', dataFile], { asNobody: true });
  assertRefusedAtStart(r, dataFile);
});
