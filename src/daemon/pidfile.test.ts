import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquirePidFile, readPidFile } from './pidfile.ts';
import { looksLikePatienced, processState, runsBundle } from './process-check.ts';
import { ownerRuleIn } from '../shared/safe-file.ts';
import { fakeProbe, PATIENCED_CMDLINE, type FakeProcess } from './test-support.ts';

const SELF = 4242;

function setup(): { file: string; table: Map<number, FakeProcess>; done: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pidfile-'));
  return {
    file: path.join(dir, 'run', 'd.pid'),
    table: new Map(),
    done: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

test('process states: gone, zombie, alive, and whose', () => {
  const table = new Map<number, FakeProcess>([
    [10, { state: 'alive', cmdline: PATIENCED_CMDLINE }],
    [11, { state: 'zombie', cmdline: '' }],
    [12, { state: 'alive', cmdline: 'sleep\x0060\0' }],
  ]);
  const probe = fakeProbe(table);
  assert.equal(processState(9, probe), 'dead');
  assert.equal(processState(10, probe), 'alive');
  assert.equal(processState(11, probe), 'zombie');
  assert.equal(looksLikePatienced(10, probe), 'yes');
  assert.equal(looksLikePatienced(12, probe), 'no');
  assert.equal(looksLikePatienced(11, probe), 'unknown');
  const eperm = {
    ...probe,
    signal0: () => {
      throw Object.assign(new Error('EPERM'), { code: 'EPERM' });
    },
  };
  assert.equal(processState(10, eperm), 'alive', "another user's process is alive");
});

test('acquire writes the PID (creating the directory); release removes only our own file', () => {
  const { file, table, done } = setup();
  const got = acquirePidFile(file, { pid: SELF, probe: fakeProbe(table) });
  assert.ok(got.ok);
  assert.match(got.token, /^[0-9a-f]{32}$/);
  assert.equal(fs.readFileSync(file, 'utf8'), `${SELF}\n${got.token}\n`);
  assert.equal(fs.statSync(file).mode & 0o777, 0o644);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['d.pid'], 'no temp file left');
  fs.writeFileSync(file, '999\n');
  got.release();
  assert.equal(fs.readFileSync(file, 'utf8'), '999\n', 'a file that is not ours stays');
  fs.writeFileSync(file, `${SELF}\n${got.token}\n`);
  got.release();
  assert.ok(fs.existsSync(file), 'release runs once');
  done();
});

test('a live patienced holding the pid file refuses the start, naming its PID', () => {
  const { file, table, done } = setup();
  fs.mkdirSync(path.dirname(file));
  fs.writeFileSync(file, '77\n');
  table.set(77, { state: 'alive', cmdline: PATIENCED_CMDLINE });
  const got = acquirePidFile(file, { pid: SELF, probe: fakeProbe(table) });
  assert.equal(got.ok, false);
  assert.ok(!got.ok && got.runningPid === 77);
  assert.match(!got.ok ? got.message : '', /already running as pid 77/);
  assert.equal(fs.readFileSync(file, 'utf8'), '77\n');
  done();
});

test('stale pid files are replaced: dead, zombie, reused PID, garbage, our own PID', () => {
  const cases: Array<[string, string, FakeProcess | undefined, RegExp]> = [
    ['dead', '70', undefined, /gone/],
    ['zombie', '71', { state: 'zombie', cmdline: '' }, /zombie/],
    ['reused', '72', { state: 'alive', cmdline: 'sshd\0' }, /another program/],
    ['garbage', 'hello', undefined, /does not hold a PID/],
    ['self', String(SELF), undefined, /own PID/],
  ];
  for (const [what, text, proc, why] of cases) {
    const { file, table, done } = setup();
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, `${text}\n`);
    if (proc) table.set(Number(text), proc);
    const got = acquirePidFile(file, { pid: SELF, probe: fakeProbe(table) });
    assert.ok(got.ok, what);
    assert.equal(got.replaced?.pid, what === 'garbage' ? undefined : Number(text), what);
    assert.match(got.replaced?.why ?? '', why, what);
    assert.deepEqual(readPidFile(file), { kind: 'pid', pid: SELF, token: got.token }, what);
    done();
  }
});

test('a pid file that cannot be created is an error naming it and the fix', () => {
  const { file, done } = setup();
  fs.mkdirSync(path.dirname(file));
  fs.writeFileSync(path.join(path.dirname(file), 'blocker'), '');
  const blocked = path.join(path.dirname(file), 'blocker', 'd.pid');
  const got = acquirePidFile(blocked, { pid: SELF });
  assert.equal(got.ok, false);
  assert.match(
    !got.ok ? got.message : '',
    /cannot create pid file .*blocker\/d\.pid: .*choose another pid_file \(-pid-file\)/,
  );
  done();
});

test('only an argument that is our own script proves a process is patienced', () => {
  const bundle = '/usr/local/lib/patience/dist/patienced.cjs';
  const table = new Map<number, FakeProcess>([
    [10, { state: 'alive', cmdline: PATIENCED_CMDLINE }],
    [11, { state: 'alive', cmdline: 'sleep\x00600\x00patienced\0' }],
    [12, { state: 'alive', cmdline: `sh\0-c\0echo ${bundle}\0` }],
    [13, { state: 'alive', cmdline: 'node\0dist/patienced.cjs\0' }],
    [14, { state: 'alive', cmdline: 'node\0/home/x/patienced.cjs\0' }],
  ]);
  const probe = { ...fakeProbe(table), cwd: () => '/usr/local/lib/patience', realpath: (p: string) => p };
  assert.equal(runsBundle(10, bundle, probe), true);
  assert.equal(looksLikePatienced(11, probe), 'yes', 'loose enough to refuse a start');
  assert.equal(runsBundle(11, bundle, probe), false, 'a name that merely contains patienced');
  assert.equal(runsBundle(12, bundle, probe), false, 'the path inside a longer argument');
  assert.equal(runsBundle(13, bundle, probe), true, 'a relative path resolved against its cwd');
  assert.equal(runsBundle(14, bundle, probe), false, 'another copy of the bundle');
  assert.equal(runsBundle(99, bundle, probe), false, 'no such process');
});

test('pid files that are not a regular file of ours or root are refused, unread, and never replaced', (t) => {
  const { file, table, done } = setup();
  t.after(done);
  const dir = path.dirname(file);
  fs.mkdirSync(dir);
  const secret = path.join(dir, 'secret');
  fs.writeFileSync(secret, 'TOP-SECRET-CONTENT\n');
  const cases: Array<[string, () => void, RegExp]> = [
    ['symlink', () => fs.symlinkSync(secret, file), /is a symbolic link/],
    ['symlink to /dev/zero', () => fs.symlinkSync('/dev/zero', file), /is a symbolic link/],
    ['FIFO', () => execFileSync('mkfifo', [file]), /not a regular file \(it is a FIFO\)/],
    ['directory', () => fs.mkdirSync(file), /not a regular file \(it is a directory\)/],
    ['too large', () => fs.writeFileSync(file, `1\n${'x'.repeat(100)}`), /larger than 64 bytes/],
  ];
  for (const [what, make, why] of cases) {
    make();
    assert.deepEqual(Object.keys(readPidFile(file)), ['kind', 'why'], what);
    const got = acquirePidFile(file, { pid: SELF, probe: fakeProbe(table) });
    assert.equal(got.ok, false, what);
    const message = got.ok ? '' : got.message;
    assert.match(message, why, what);
    assert.match(message, /^pid_file .*d\.pid .*choose a pid_file/, what);
    assert.doesNotMatch(message, /SECRET/, what);
    assert.ok(fs.lstatSync(file), `${what}: left in place`);
    fs.rmSync(file, { recursive: true });
  }
  // Another user's file: as root, one chowned to nobody; otherwise ours, judged for another uid.
  fs.writeFileSync(file, '77\n');
  const uid = process.getuid?.() ?? 0;
  if (uid === 0) fs.chownSync(file, 65534, 65534);
  const reader = uid === 0 ? { uid: 0 } : { uid: uid + 1 };
  const foreign = readPidFile(file, reader);
  assert.match(
    foreign.kind === 'refused' ? foreign.why : '',
    /owned by uid \d+, neither this user \(uid \d+\) nor root/,
  );
  const got = acquirePidFile(file, { pid: SELF, probe: fakeProbe(table), owner: reader });
  assert.match(got.ok ? '' : got.message, /owned by uid/);
  assert.equal(fs.readFileSync(file, 'utf8'), '77\n', 'left alone');
});

test("another user's pid file is trusted only in a directory that user alone may write (a RuntimeDirectory)", (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to make files of another user');
  const { file, done } = setup();
  t.after(done);
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { mode: 0o750 });
  fs.writeFileSync(file, '77\n');
  fs.chownSync(file, 65534, 65534);
  fs.chownSync(dir, 65534, 65534);
  fs.chmodSync(dir, 0o750);
  assert.equal(readPidFile(file, ownerRuleIn(dir, { uid: 0 })).kind, 'pid', "the service's own directory");
  fs.chmodSync(dir, 0o770);
  assert.equal(readPidFile(file, ownerRuleIn(dir, { uid: 0 })).kind, 'refused', 'a directory its group may write too');
  fs.chmodSync(dir, 0o750);
  fs.chownSync(dir, 0, 0);
  assert.equal(readPidFile(file, ownerRuleIn(dir, { uid: 0 })).kind, 'refused', 'a directory of another owner');
});
