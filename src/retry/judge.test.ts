import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCodes, type CodeSet } from './codes.ts';
import { attemptExitCode, judgedExitCode } from './exit-codes.ts';
import { formatDuration } from './format.ts';
import { judge } from './judge.ts';
import type { RanAttemptOutcome } from './attempt-outcome.ts';

const exited = (code: number, stdout = '', stderr = ''): RanAttemptOutcome => ({
  kind: 'exited',
  code,
  durationMs: 1,
  output: { stdout, stderr },
});

test('the failure pattern wins, then the success pattern, then the exit code', () => {
  const both = { success: /ok/, failure: /fatal/ };
  assert.deepEqual(judge(exited(0, 'ok', 'fatal'), both), { success: false, fault: { kind: 'failure-pattern' } });
  assert.deepEqual(judge(exited(3, '', 'ok'), both), { success: true, by: 'success-pattern' });
  assert.deepEqual(judge(exited(0, 'nothing'), both), { success: true, by: 'exit-code-zero' });
  assert.deepEqual(judge(exited(7), {}), { success: false, fault: { kind: 'exit-code', code: 7 } });
});

test('http-aware: the HTTP status comes after both patterns and before the exit code', () => {
  const both = { success: /ok/, failure: /fatal/ };
  assert.deepEqual(judge(exited(0, 'fatal'), both, 200), { success: false, fault: { kind: 'failure-pattern' } });
  assert.deepEqual(judge(exited(0, 'ok'), both, 503), { success: true, by: 'success-pattern' });
  assert.deepEqual(judge(exited(0, 'ok'), both, 404), { success: true, by: 'success-pattern' });
  assert.deepEqual(judge(exited(0), {}, 503), { success: false, fault: { kind: 'http-retryable', status: 503 } });
  assert.deepEqual(judge(exited(0), {}, 429), { success: false, fault: { kind: 'http-retryable', status: 429 } });
  assert.deepEqual(judge(exited(0), {}, 599), { success: false, fault: { kind: 'http-retryable', status: 599 } });
  for (const status of [400, 401, 403, 404, 410, 499]) {
    assert.deepEqual(judge(exited(0), {}, status), {
      success: false,
      fault: { kind: 'http-not-retryable', status },
    });
  }
  // wget exits 8 on an error status: the status still says which.
  assert.deepEqual(judge(exited(8), {}, 404), { success: false, fault: { kind: 'http-not-retryable', status: 404 } });
});

test('http-aware: 2xx and 3xx leave it to the exit code; no status, or a killed attempt, as before', () => {
  for (const status of [200, 204, 301, 302, 304]) {
    assert.deepEqual(judge(exited(0), {}, status), { success: true, by: 'exit-code-zero' }, String(status));
  }
  // A transfer cut short after a 200 (curl exits 18): a failure, as with curl -f.
  assert.deepEqual(judge(exited(18), {}, 200), { success: false, fault: { kind: 'exit-code', code: 18 } });
  // No status line (connection refused): the exit code, as without http-aware.
  assert.deepEqual(judge(exited(7), {}, undefined), { success: false, fault: { kind: 'exit-code', code: 7 } });
  assert.deepEqual(judge(exited(0), {}, undefined), { success: true, by: 'exit-code-zero' });
  const output = { stdout: 'HTTP/1.1 404 Not Found\r\n', stderr: '' };
  assert.deepEqual(judge({ kind: 'timed-out', durationMs: 1, output }, {}, 404), {
    success: false,
    fault: { kind: 'timeout' },
  });
});

test('an attempt its HTTP status failed stands for 22 when the command exited 0', () => {
  const v = (o: RanAttemptOutcome, status?: number) => judgedExitCode(o, judge(o, {}, status));
  assert.equal(v(exited(0), 503), 22);
  assert.equal(v(exited(0), 404), 22);
  assert.equal(v(exited(8), 404), 8);
  assert.equal(v(exited(0), 200), 0);
  assert.equal(v(exited(0)), 0);
  assert.equal(v(exited(7)), 7);
  // A failure pattern with exit 0 is not an HTTP failure: its code stays 0 (the run exits 1).
  const o = exited(0, 'fatal');
  assert.equal(judgedExitCode(o, judge(o, { failure: /fatal/ }, 503)), 0);
});

test('a timed-out or signaled attempt still has its output judged', () => {
  const output = { stdout: 'deployed', stderr: '' };
  assert.equal(judge({ kind: 'timed-out', durationMs: 1, output }, { success: /deployed/ }).success, true);
  assert.deepEqual(judge({ kind: 'timed-out', durationMs: 1, output }, {}), {
    success: false,
    fault: { kind: 'timeout' },
  });
  assert.deepEqual(judge({ kind: 'signaled', signal: 'SIGKILL', signalNumber: 9, durationMs: 1, output }, {}), {
    success: false,
    fault: { kind: 'signal', signal: 'SIGKILL' },
  });
});

test('the exit code each outcome stands for', () => {
  const output = { stdout: '', stderr: '' };
  assert.equal(attemptExitCode(exited(42)), 42);
  assert.equal(attemptExitCode({ kind: 'timed-out', durationMs: 1, output }), 124);
  assert.equal(attemptExitCode({ kind: 'signaled', signal: 'SIGTERM', signalNumber: 15, durationMs: 1, output }), 143);
  assert.equal(attemptExitCode({ kind: 'spawn-failed', problem: 'not found', exitCode: 127, durationMs: 0 }), 127);
});

test('exit code lists', () => {
  const set = parseCodes('1, 75,100-110') as CodeSet;
  assert.deepEqual(
    [0, 1, 75, 99, 100, 105, 110, 111].map((c) => set.has(c)),
    [false, true, true, false, true, true, true, false],
  );
  assert.match(parseCodes('1,x') as string, /"x" is not an exit code/);
  assert.match(parseCodes('300') as string, /0 to 255/);
  assert.match(parseCodes('9-3') as string, /reversed/);
  assert.equal(typeof parseCodes(''), 'string');
});

test('durations print like the original', () => {
  const cases: Array<[number, string]> = [
    [0, '0s'],
    [5, '5ms'],
    [10, '0.01s'],
    [500, '0.5s'],
    [2000, '2s'],
    [2500, '2.5s'],
    [90_000, '1m30s'],
    [3_661_000, '1h1m1s'],
    [3_600_000, '1h'],
    [5_400_000, '1h30m'],
  ];
  for (const [ms, want] of cases) assert.equal(formatDuration(ms), want, String(ms));
});
