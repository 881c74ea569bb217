import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { acquirePidFile, readPidFile } from './pidfile.ts';
import { looksLikePatienced, processState } from './process-check.ts';
import { fakeProbe, PATIENCED_CMDLINE, type FakeProcess } from './test-support.ts';

const SELF = 4242;

function setup(): { file: string; table: Map<number, FakeProcess>; done: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pidfile-'));
  return { file: path.join(dir, 'run', 'd.pid'), table: new Map(), done: () => fs.rmSync(dir, { recursive: true, force: true }) };
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
  const eperm = { ...probe, signal0: () => { throw Object.assign(new Error('EPERM'), { code: 'EPERM' }); } };
  assert.equal(processState(10, eperm), 'alive', "another user's process is alive");
});

test('acquire writes the PID (creating the directory); release removes only our own file', () => {
  const { file, table, done } = setup();
  const got = acquirePidFile(file, { pid: SELF, probe: fakeProbe(table) });
  assert.ok(got.ok);
  assert.equal(fs.readFileSync(file, 'utf8'), `${SELF}\n`);
  assert.equal(fs.statSync(file).mode & 0o777, 0o644);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['d.pid'], 'no temp file left');
  fs.writeFileSync(file, '999\n');
  got.release();
  assert.equal(fs.readFileSync(file, 'utf8'), '999\n', 'a file that is not ours stays');
  fs.writeFileSync(file, `${SELF}\n`);
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
    assert.equal(got.replaced?.text, text, what);
    assert.match(got.replaced?.why ?? '', why, what);
    assert.deepEqual(readPidFile(file), { kind: 'pid', pid: SELF, text: `${SELF}\n` }, what);
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
  assert.match(!got.ok ? got.message : '', /cannot create pid file .*blocker\/d\.pid: .*choose another pid_file \(-pid-file\)/);
  done();
});
