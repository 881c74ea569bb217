import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSmallBytes, readSmallFile, realOwner, type SafeFs } from './safe-file.ts';

function dir(t: { after(fn: () => void): void }): string {
  const d = fs.mkdtempSync(join(tmpdir(), 'patience-safe-file-'));
  t.after(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

test('reads a file of up to maxBytes as it is; one byte more is refused', (t) => {
  const d = dir(t);
  const file = join(d, 'f');
  const bytes = Buffer.from([0, 1, 2, 255, 254, 10]);
  fs.writeFileSync(file, bytes);
  const r = readSmallBytes(file, 6);
  assert.equal(r.kind, 'bytes');
  assert.deepEqual(r.kind === 'bytes' && r.bytes, bytes);
  assert.deepEqual(readSmallBytes(file, 5), { kind: 'refused', why: 'is larger than 5 bytes' });
  assert.deepEqual(readSmallBytes(join(d, 'missing'), 6), { kind: 'missing' });
  fs.writeFileSync(file, 'pid 42\n');
  assert.deepEqual(readSmallFile(file, 100), { kind: 'text', text: 'pid 42\n', uid: realOwner().uid });
});

test('a symlink, a FIFO or a directory is refused without blocking', (t) => {
  const d = dir(t);
  fs.writeFileSync(join(d, 'target'), 'x');
  fs.symlinkSync(join(d, 'target'), join(d, 'link'));
  assert.deepEqual(readSmallBytes(join(d, 'link'), 10), { kind: 'refused', why: 'is a symbolic link' });
  execFileSync('mkfifo', [join(d, 'fifo')]);
  assert.equal(readSmallBytes(join(d, 'fifo'), 10).kind, 'refused');
  assert.equal(readSmallBytes(d, 10).kind, 'refused');
});

test('a file that grows while it is read is read whole, up to the bound', () => {
  // fstat says 4 bytes; the reads find 40: the buffer grows instead of cutting it short.
  const content = Buffer.from('0123456789'.repeat(4));
  const fake = {
    openSync: () => 7,
    fstatSync: () =>
      ({ ...fs.statSync(process.execPath), size: 4, uid: realOwner().uid, isFile: () => true }) as fs.Stats,
    readSync: (_fd: number, buf: Buffer, offset: number, length: number, position: number) => {
      const from = position;
      const n = Math.max(0, Math.min(length, content.length - from));
      content.copy(buf, offset, from, from + n);
      return n;
    },
    closeSync: () => {},
    fchmodSync: () => {},
  } as unknown as SafeFs;
  const whole = readSmallBytes('/grows', 100, realOwner(), fake);
  assert.deepEqual(whole.kind === 'bytes' && whole.bytes, content);
  assert.deepEqual(readSmallBytes('/grows', 39, realOwner(), fake), {
    kind: 'refused',
    why: 'is larger than 39 bytes',
  });
});
