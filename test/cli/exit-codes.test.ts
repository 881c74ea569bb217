// Exit codes (docs/cli.md §6) and judging (§4), against real child processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { node, patience, sandbox, STATUS_LINE } from './helpers.ts';

test('0 on success, after retries', async (t) => {
  const sb = sandbox(t);
  const r = await patience(sb, [
    'fixed',
    '-a',
    '3',
    '-d',
    '10ms',
    '--',
    ...node('flaky.mjs', join(sb.dir, 'n'), '2', '5'),
  ]);
  assert.equal(r.code, 0);
  assert.match(
    r.stderr,
    /\[retry\] Attempt 1\/3 starting\.\.\.\n\[retry\] Attempt 1\/3 failed \(exit code 5\)\. Retrying in 0\.01s\./,
  );
  assert.match(
    r.stderr,
    /✅ \[retry\] Command succeeded after 3 attempts\.\n\nRun Statistics:\n  Total Attempts: 3\n  Successful Runs: 1\n  Failed Runs: 2\n  Total Duration: \S+\n  Final Reason: exit code 0\n/,
  );
  assert.equal(r.stdout.toString(), 'ok\n');
});

test("the last attempt's own code when every attempt fails", async (t) => {
  const sb = sandbox(t);
  const r = await patience(sb, ['lin', '-a', '2', '-i', '10ms', '--', 'sh', '-c', 'exit 42']);
  assert.equal(r.code, 42);
  assert.match(r.stderr, /Attempt 2\/2 failed \(exit code 42\)\.\n/);
  assert.match(
    r.stderr,
    /❌ \[retry\] Command failed after 2 attempts\.[\s\S]*Final Reason: max retries reached \(exit code 42\)/,
  );
});

test('1 on a failure-pattern stop, which beats the success pattern and exit code 0', async (t) => {
  const sb = sandbox(t);
  const r = await patience(sb, [
    'fix',
    '-a',
    '3',
    '--success-pattern',
    'done',
    '--failure-pattern',
    '(?i)fatal',
    '--',
    'sh',
    '-c',
    'echo done; echo FATAL >&2',
  ]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Attempt 1\/3 failed \(failure pattern matched\)\.\n/);
  assert.match(r.stderr, /Command failed after 1 attempt\.[\s\S]*Final Reason: failure pattern matched/);
});

test('the success pattern beats a failing exit code; --case-insensitive applies to it', async (t) => {
  const sb = sandbox(t);
  const r = await patience(sb, [
    'fix',
    '--success-pattern',
    'deployed',
    '--case-insensitive',
    '--',
    'sh',
    '-c',
    'echo DEPLOYED; exit 3',
  ]);
  assert.equal(r.code, 0);
  assert.match(r.stderr, /Final Reason: success pattern matched/);
});

test('124 when the last attempt timed out; output before the timeout still counts', async (t) => {
  const sb = sandbox(t);
  const r = await patience(sb, [
    'fix',
    '-a',
    '2',
    '-d',
    '10ms',
    '-t',
    '200ms',
    '--',
    'sh',
    '-c',
    'echo partial; sleep 10',
  ]);
  assert.equal(r.code, 124);
  assert.match(
    r.stderr,
    /Attempt 1\/2 failed \(timeout: 0\.2s\)\. Retrying in 0\.01s\.[\s\S]*Final Reason: max retries reached \(timeout\)/,
  );
  const matched = await patience(sb, [
    'fix',
    '-t',
    '200ms',
    '--success-pattern',
    'partial',
    '--',
    'sh',
    '-c',
    'echo partial; sleep 10',
  ]);
  assert.equal(matched.code, 0);
  assert.ok(matched.ms < 3000, `took ${matched.ms} ms`);
});

test('the reason says timeout only for the attempts that timed out', async (t) => {
  const sb = sandbox(t);
  const counter = join(sb.dir, 'n');
  // First attempt times out; the second exits 3 at once.
  const script = `n=$(cat ${counter} 2>/dev/null || echo 0); echo $((n+1)) > ${counter}; [ "$n" = 0 ] && sleep 10; exit 3`;
  const r = await patience(sb, ['fix', '-a', '2', '-d', '10ms', '-t', '300ms', '--', 'sh', '-c', script]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /Attempt 1\/2 failed \(timeout: 0\.3s\)/);
  assert.match(r.stderr, /Attempt 2\/2 failed \(exit code 3\)\./);
  assert.match(r.stderr, /Final Reason: max retries reached \(exit code 3\)/);
});

test('127 for a command that is not found, 126 when it cannot execute; neither is retried', async (t) => {
  const sb = sandbox(t);
  const missing = await patience(sb, ['fix', '-a', '3', '--', 'no-such-command-xyz']);
  assert.equal(missing.code, 127);
  assert.equal(missing.stderr.match(/patience: cannot run 'no-such-command-xyz': not found/g)?.length, 1);
  assert.equal(missing.stderr.match(/starting/g)?.length, 1);
  const plain = join(sb.dir, 'plain.sh');
  writeFileSync(plain, '#!/bin/sh\necho hi\n', { mode: 0o644 });
  const denied = await patience(sb, ['fix', '-a', '3', '--', plain]);
  assert.equal(denied.code, 126);
  assert.match(denied.stderr, /patience: cannot run '.*plain\.sh': permission denied/);
});

test('128 + N when the last attempt was killed by signal N', async (t) => {
  const sb = sandbox(t);
  const r = await patience(sb, ['fix', '-a', '1', '--', 'sh', '-c', 'kill -9 $$']);
  assert.equal(r.code, 137);
  assert.match(r.stderr, /failed \(signal SIGKILL\)/);
});

test('--retry-on and --stop-on end the run early with the code', async (t) => {
  const sb = sandbox(t);
  const notListed = await patience(sb, [
    'fix',
    '-a',
    '5',
    '-d',
    '10ms',
    '--retry-on',
    '75,100-110',
    '--',
    'sh',
    '-c',
    'exit 2',
  ]);
  assert.equal(notListed.code, 2);
  assert.equal(notListed.stderr.match(/starting/g)?.length, 1);
  assert.match(notListed.stderr, /Final Reason: exit code 2 is not in --retry-on/);
  const listed = await patience(sb, [
    'fix',
    '-a',
    '2',
    '-d',
    '10ms',
    '--retry-on',
    '75,100-110',
    '--',
    'sh',
    '-c',
    'exit 105',
  ]);
  assert.equal(listed.stderr.match(/starting/g)?.length, 2);
  const stop = await patience(sb, ['fix', '-a', '5', '-d', '10ms', '--stop-on', '4', '--', 'sh', '-c', 'exit 4']);
  assert.equal(stop.code, 4);
  assert.match(stop.stderr, /Final Reason: exit code 4 is in --stop-on/);
});

test('-q silences status lines and the summary, not errors; stdout never has them', async (t) => {
  const sb = sandbox(t);
  const quiet = await patience(sb, [
    'fix',
    '-q',
    '-a',
    '2',
    '-d',
    '10ms',
    '--',
    'sh',
    '-c',
    'echo out; echo err >&2; exit 1',
  ]);
  assert.equal(quiet.code, 1);
  assert.equal(quiet.stdout.toString(), 'out\nout\n');
  assert.equal(quiet.stderr, 'err\nerr\n');
  const loud = await patience(sb, ['fix', '-a', '2', '-d', '10ms', '--', 'sh', '-c', 'echo out; exit 1']);
  assert.equal(loud.stdout.toString(), 'out\nout\n');
  assert.doesNotMatch(loud.stdout.toString(), STATUS_LINE);
  const missing = await patience(sb, ['fix', '-q', '--', 'no-such-command-xyz']);
  assert.match(missing.stderr, /cannot run/);
});
