import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileIdentity } from './file-identity.ts';

function files(t: { after: (fn: () => void) => void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patience-identity-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'd.db');
  fs.writeFileSync(file, 'db');
  fs.writeFileSync(`${file}-wal`, 'wal');
  return file;
}

test('in place: no problem; deleted, renamed or replaced: the problem names data_file and the path; put back: fine again', (t) => {
  const file = files(t);
  const id = new FileIdentity(file);
  assert.equal(id.problem(), undefined);

  fs.renameSync(file, `${file}.moved`);
  assert.equal(id.problem(), `data_file ${file} was deleted or renamed while patienced ran`);
  fs.renameSync(`${file}.moved`, file);
  assert.equal(id.problem(), undefined);

  fs.copyFileSync(file, `${file}.copy`);
  fs.renameSync(`${file}.copy`, file);
  assert.equal(id.problem(), `data_file ${file} was replaced by another file while patienced ran`);
});

test('the -wal deleted or replaced is a problem too; a -wal that appears after open is adopted', (t) => {
  const file = files(t);
  fs.rmSync(`${file}-wal`);
  const id = new FileIdentity(file);
  assert.equal(id.problem(), undefined);
  fs.writeFileSync(`${file}-wal`, 'wal');
  assert.equal(id.problem(), undefined);
  fs.rmSync(`${file}-wal`);
  assert.match(id.problem() ?? '', /d\.db-wal was deleted while patienced ran/);
  fs.writeFileSync(`${file}-wal.new`, 'wal');
  fs.renameSync(`${file}-wal.new`, `${file}-wal`);
  assert.match(id.problem() ?? '', /d\.db-wal was replaced by another file/);
});

test('a stat that fails for another reason than a missing file is thrown, for the caller to report', () => {
  let calls = 0;
  const id = new FileIdentity('/x/d.db', (p) => {
    if (p === '/x/d.db' && calls++ > 0) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
    return { dev: 1, ino: 2 };
  });
  assert.throws(() => id.problem(), /EIO/);
});
