import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRunner, type Sink } from './runner.ts';

/** A sink that keeps what it is given. */
function collect(): Sink & { bytes(): Buffer } {
  const chunks: Buffer[] = [];
  const e = new EventEmitter();
  return Object.assign(e, {
    writable: true,
    write(chunk: Uint8Array) {
      chunks.push(Buffer.from(chunk));
      return true;
    },
    bytes: () => Buffer.concat(chunks),
  });
}

test('output passes through in full while only the capture limit is kept for judging', async () => {
  const stdout = collect();
  const stderr = collect();
  const run = createRunner({ stdout, stderr, captureLimit: 16 });
  const script = "process.stdout.write('x'.repeat(100000)); process.stderr.write('e'.repeat(50)); process.exitCode = 3";
  const o = await run({ command: [process.execPath, '-e', script], timeoutMs: 0, capture: true }).result;
  assert.equal(o.kind, 'exited');
  if (o.kind !== 'exited') return;
  assert.equal(o.code, 3);
  assert.equal(o.output.stdout, 'x'.repeat(16));
  assert.equal(o.output.stderr, 'e'.repeat(16));
  assert.equal(stdout.bytes().length, 100000);
  assert.equal(stderr.bytes().toString(), 'e'.repeat(50));
});

test('spawn failures: not found is 127, not executable is 126', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'patience-runner-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const plain = join(dir, 'not-executable');
  writeFileSync(plain, '#!/bin/sh\necho hi\n', { mode: 0o644 });
  const run = createRunner({ stdout: collect(), stderr: collect() });
  const missing = await run({ command: ['/nonexistent/program'], timeoutMs: 0, capture: true }).result;
  assert.deepEqual([missing.kind, missing.kind === 'spawn-failed' && missing.exitCode], ['spawn-failed', 127]);
  const denied = await run({ command: [plain], timeoutMs: 0, capture: true }).result;
  assert.deepEqual(
    [denied.kind, denied.kind === 'spawn-failed' && denied.problem],
    ['spawn-failed', 'permission denied'],
  );
});

test('a timeout keeps the output produced before it', async () => {
  const run = createRunner({ stdout: collect(), stderr: collect() });
  const o = await run({ command: ['sh', '-c', 'echo before; sleep 5'], timeoutMs: 200, capture: true }).result;
  assert.equal(o.kind, 'timed-out');
  assert.equal(o.kind === 'timed-out' && o.output.stdout, 'before\n');
});

test('a child killed by a signal is reported as signaled', async () => {
  const run = createRunner({ stdout: collect(), stderr: collect() });
  const o = await run({ command: ['sh', '-c', 'kill -9 $$'], timeoutMs: 0, capture: true }).result;
  assert.deepEqual([o.kind, o.kind === 'signaled' && o.signalNumber], ['signaled', 9]);
});

test('a background grandchild holding the pipes does not hold the attempt', async () => {
  const run = createRunner({ stdout: collect(), stderr: collect() });
  const started = Date.now();
  const o = await run({ command: ['sh', '-c', 'sleep 5 & echo done'], timeoutMs: 0, capture: true }).result;
  assert.equal(o.kind, 'exited');
  assert.ok(Date.now() - started < 3000, 'returned well before the grandchild ended');
});
