import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StorageHealth } from './storage-health.ts';
import { DISK_FULL, DISK_IO } from '../store/fault-injection.ts';
import { DataFileMoved } from '../store/storage-error.ts';

function harness(): { health: StorageHealth; lines: Array<[string, string]>; file: { problem: string | undefined } } {
  const lines: Array<[string, string]> = [];
  const file: { problem: string | undefined } = { problem: undefined };
  const health = new StorageHealth({
    now: () => Date.UTC(2026, 10, 30),
    log: { error: (_o, msg) => lines.push(['error', msg]), info: (_o, msg) => lines.push(['info', msg]) },
    fileProblem: () => file.problem,
  });
  return { health, lines, file };
}

test('healthy until a fault; degraded with the reason; healthy again when that part succeeds', () => {
  const h = harness();
  assert.deepEqual(h.health.report(), { status: 'healthy', faults: [] });
  h.health.fail('retention', DISK_FULL);
  const r = h.health.report();
  assert.equal(r.status, 'degraded');
  assert.equal(r.reason, 'removing expired records failed: database or disk is full (SQLITE_FULL)');
  assert.deepEqual(r.faults, [
    { source: 'retention', status: 'degraded', reason: r.reason, since: '2026-11-30T00:00:00.000Z' },
  ]);
  h.health.ok('ingest');
  assert.equal(h.health.report().status, 'degraded', 'another part succeeding clears nothing');
  h.health.ok('retention');
  assert.equal(h.health.report().status, 'healthy');
});

test('a fault is logged when it starts or changes and when it clears, not at every repeat', () => {
  const h = harness();
  for (let i = 0; i < 100; i++) h.health.fail('ingest', DISK_FULL);
  h.health.fail('ingest', DISK_IO);
  h.health.ok('ingest');
  h.health.ok('ingest');
  assert.deepEqual(h.lines, [
    ['error', 'storage fault: storing records failed: database or disk is full (SQLITE_FULL)'],
    ['error', 'storage fault: storing records failed: disk I/O error (SQLITE_IOERR_READ)'],
    ['info', 'storage recovered: ingest'],
  ]);
});

test('a data file that is gone makes it unhealthy, worst first, found by the live check too', () => {
  const h = harness();
  h.health.fail('reads', DISK_IO);
  h.health.fail('ingest', new DataFileMoved('data_file /d.db was deleted or renamed while patienced ran'));
  // The live check agrees the file is still gone.
  h.file.problem = 'data_file /d.db was deleted or renamed while patienced ran';
  let r = h.health.report();
  assert.equal(r.status, 'unhealthy');
  assert.deepEqual(
    r.faults.map((f) => f.source),
    ['data_file', 'reads'],
  );
  assert.match(
    r.reason ?? '',
    /^data_file \/d\.db was deleted or renamed while patienced ran; reading stored records failed/,
  );
  // Put back: the next report finds it in place.
  h.file.problem = undefined;
  r = h.health.report();
  assert.equal(r.status, 'degraded');
  assert.equal(h.lines.filter(([level]) => level === 'error').length, 2, 'the same problem found twice is logged once');
});

test('a live check that itself fails is reported, never thrown', () => {
  const h = harness();
  const health = new StorageHealth({
    now: () => 0,
    log: { error: () => undefined, info: () => undefined },
    fileProblem: () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    },
  });
  void h;
  const r = health.report();
  assert.equal(r.status, 'unhealthy');
  assert.match(r.reason ?? '', /the data file cannot be checked: EACCES: permission denied/);
});

test('storage errors are told from bugs and network errors', async () => {
  const { isStorageError } = await import('../store/storage-error.ts');
  assert.equal(isStorageError(DISK_FULL), true);
  assert.equal(isStorageError(new DataFileMoved('x')), true);
  assert.equal(isStorageError(Object.assign(new Error('EIO'), { code: 'EIO' })), true);
  assert.equal(isStorageError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })), false);
  assert.equal(isStorageError(Object.assign(new Error('fastify'), { code: 'FST_ERR_BAD_STATUS_CODE' })), false);
  assert.equal(isStorageError(new TypeError('x is undefined')), false);
});
