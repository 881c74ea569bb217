// Reporting to the daemon (docs/cli.md §8): the record arrives complete and redacted;
// a missing, hung or refusing daemon changes neither the output nor the exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { patience, sandbox, testDaemon } from './helpers.ts';

interface Record {
  [key: string]: unknown;
  attempts: Array<{ duration_seconds: number; exit_code: number; success: boolean }>;
}

test('the run record arrives as one JSON line with every field, the command redacted', async (t) => {
  const sb = sandbox(t);
  const daemon = await testDaemon(sb.socketPath, 'ok');
  t.after(() => daemon.close());
  // A stand-in curl on PATH, so the real argv is the documentation's example.
  const bin = join(sb.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'curl'), '#!/bin/sh\nexit 7\n');
  chmodSync(join(bin, 'curl'), 0o755);
  const before = Math.floor(Date.now() / 1000);
  const r = await patience(
    sb,
    [
      'exp',
      '-a',
      '2',
      '-b',
      '10ms',
      '--label',
      'team=ops',
      '--label',
      'env=ci',
      '--',
      'curl',
      '-H',
      'Authorization: Bearer xyz',
      'https://user:pw@host',
    ],
    { env: { PATH: `${bin}:${process.env.PATH}` } },
  );
  assert.equal(r.code, 7);
  assert.equal(daemon.lines.length, 1);
  const line = daemon.lines[0] as string;
  assert.ok(!line.includes('xyz') && !line.includes(':pw@'), line);
  const rec = JSON.parse(line) as Record;
  assert.equal(rec.command, "curl -H 'Authorization: ***' https://***@host");
  assert.match(String(rec.command_hash), /^[0-9a-f]{8}$/);
  assert.equal(rec.final_status, 'failed');
  assert.equal(rec.strategy, 'exponential');
  assert.equal(rec.exit_code, 7);
  assert.equal(rec.reason, 'max retries reached (exit code 7)');
  assert.equal(rec.host, hostname());
  assert.deepEqual(rec.labels, { team: 'ops', env: 'ci' });
  assert.deepEqual([rec.total_attempts, rec.successful_attempts, rec.failed_attempts], [2, 0, 2]);
  assert.deepEqual(
    rec.attempts.map((a) => [a.exit_code, a.success]),
    [
      [7, false],
      [7, false],
    ],
  );
  assert.ok(rec.attempts.every((a) => a.duration_seconds >= 0 && a.duration_seconds < 5));
  assert.ok(typeof rec.total_duration_seconds === 'number' && rec.total_duration_seconds >= 0.01);
  // Whole seconds, as the Go original's daemon requires; the exact time in timestamp_ms.
  assert.ok(Number.isInteger(rec.timestamp), `timestamp ${String(rec.timestamp)} is not whole seconds`);
  assert.ok(Number(rec.timestamp) >= Math.floor(before) && Number(rec.timestamp) <= Date.now() / 1000 + 1);
  assert.equal(Math.floor(Number(rec.timestamp_ms) / 1000), rec.timestamp);
});

test('a succeeded run reports succeeded; --no-report and PATIENCE_NO_REPORT send nothing', async (t) => {
  const sb = sandbox(t);
  const daemon = await testDaemon(sb.socketPath, 'ok');
  t.after(() => daemon.close());
  assert.equal((await patience(sb, ['fix', '--', 'true'])).code, 0);
  const rec = JSON.parse(daemon.lines[0] as string) as Record;
  assert.deepEqual([rec.final_status, rec.reason, rec.command], ['succeeded', 'exit code 0', 'true']);
  await patience(sb, ['fix', '--no-report', '--', 'true']);
  await patience(sb, ['fix', '--', 'true'], { env: { PATIENCE_NO_REPORT: '1' } });
  await patience(sb, ['fix', '--dry-run', '--', 'true']);
  assert.equal(daemon.connections, 1);
});

test('a hung daemon costs at most about 200 ms and changes nothing', async (t) => {
  const sb = sandbox(t);
  const daemon = await testDaemon(sb.socketPath, 'hang');
  t.after(() => daemon.close());
  const r = await patience(sb, ['fix', '-a', '1', '--', 'sh', '-c', 'echo hi; exit 3']);
  assert.equal(r.code, 3);
  assert.equal(r.stdout.toString(), 'hi\n');
  assert.doesNotMatch(r.stderr, /daemon|debug/);
  assert.equal(daemon.lines.length, 1, 'the record was sent before the wait');
  assert.ok(r.ms < 2000, `took ${r.ms} ms`);
});

test('no daemon, or one that refuses, changes nothing; PATIENCE_DEBUG says why', async (t) => {
  const sb = sandbox(t);
  const absent = await patience(sb, ['fix', '-a', '1', '--', 'sh', '-c', 'exit 4']);
  assert.equal(absent.code, 4);
  assert.doesNotMatch(absent.stderr, /daemon|debug/);
  assert.ok(absent.ms < 2000);
  const debug = await patience(sb, ['fix', '-a', '1', '--', 'true'], { env: { PATIENCE_DEBUG: '1' } });
  assert.equal(debug.code, 0);
  assert.match(debug.stderr, /patience: debug: cannot reach the daemon at \S+daemon\.sock/);
  const daemon = await testDaemon(sb.socketPath, 'error');
  t.after(() => daemon.close());
  const refused = await patience(sb, ['fix', '-a', '1', '--', 'sh', '-c', 'exit 5'], { env: { PATIENCE_DEBUG: '1' } });
  assert.equal(refused.code, 5);
  assert.match(refused.stderr, /patience: debug: daemon refused the run: nope/);
});
