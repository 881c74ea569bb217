import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runExitCode } from '../retry/exit-codes.ts';
import type { RunResult } from '../retry/loop.ts';
import type { RunOutcome } from '../retry/run-outcome.ts';
import { attemptFailureText, createStatus, finalLines, runOutcomeText, summary } from './output.ts';
import { buildRecord } from './report.ts';

/** Every way a run ends: the final reason, patience's exit code and the record's final_status. */
const TABLE: Array<[RunOutcome, string, number, 'succeeded' | 'failed']> = [
  [{ kind: 'succeeded', by: 'exit-code-zero' }, 'exit code 0', 0, 'succeeded'],
  [{ kind: 'succeeded', by: 'success-pattern' }, 'success pattern matched', 0, 'succeeded'],
  [
    { kind: 'exhausted', limit: 3, lastFault: { kind: 'exit-code', code: 7 }, exitCode: 7 },
    'max retries reached (exit code 7)',
    7,
    'failed',
  ],
  [
    { kind: 'exhausted', limit: 2, lastFault: { kind: 'timeout' }, exitCode: 124 },
    'max retries reached (timeout)',
    124,
    'failed',
  ],
  [
    { kind: 'exhausted', limit: 4, lastFault: { kind: 'signal', signal: 'SIGKILL' }, exitCode: 137 },
    'max retries reached (signal SIGKILL)',
    137,
    'failed',
  ],
  [{ kind: 'exhausted', limit: 1, lastFault: { kind: 'exit-code', code: 5 }, exitCode: 5 }, 'exit code 5', 5, 'failed'],
  [{ kind: 'exhausted', limit: 1, lastFault: { kind: 'timeout' }, exitCode: 124 }, 'timeout', 124, 'failed'],
  [{ kind: 'failure-pattern' }, 'failure pattern matched', 1, 'failed'],
  [{ kind: 'not-retryable', rule: 'stop-on', exitCode: 4 }, 'exit code 4 is in --stop-on', 4, 'failed'],
  [{ kind: 'not-retryable', rule: 'retry-on', exitCode: 2 }, 'exit code 2 is not in --retry-on', 2, 'failed'],
  [{ kind: 'max-time', cause: 'budget', exitCode: 124 }, 'max time reached', 124, 'failed'],
  [{ kind: 'max-time', cause: 'budget', exitCode: 9 }, 'max time reached', 9, 'failed'],
  [{ kind: 'max-time', cause: 'retry-after', exitCode: 22 }, 'retry-after exceeds max-time', 22, 'failed'],
  [{ kind: 'interrupted', signal: 'SIGINT', signalNumber: 2 }, 'interrupted', 130, 'failed'],
  [{ kind: 'interrupted', signal: 'SIGTERM', signalNumber: 15 }, 'interrupted', 143, 'failed'],
  [
    { kind: 'spawn-failed', program: 'nope', problem: 'not found', exitCode: 127 },
    "cannot run 'nope': not found",
    127,
    'failed',
  ],
  [
    { kind: 'spawn-failed', program: './x', problem: 'permission denied', exitCode: 126 },
    "cannot run './x': permission denied",
    126,
    'failed',
  ],
];

const resultOf = (outcome: RunOutcome): RunResult => ({
  outcome,
  durationMs: 1500,
  attempts: [{ durationMs: 1500, exitCode: runExitCode(outcome), success: outcome.kind === 'succeeded' }],
});

test('each run outcome: its final reason, exit code and record fields', () => {
  for (const [outcome, reason, code, status] of TABLE) {
    const label = JSON.stringify(outcome);
    assert.equal(runOutcomeText(outcome), reason, label);
    assert.equal(runExitCode(outcome), code, label);
    const record = buildRecord({
      commandLine: 'cmd',
      strategy: 'fixed',
      result: resultOf(outcome),
      endMs: 1_795_700_000_000,
      host: 'h',
      labels: {},
    });
    assert.deepEqual([record.final_status, record.reason, record.exit_code], [status, reason, code], label);
    if (outcome.kind !== 'spawn-failed')
      assert.match(summary(resultOf(outcome)), new RegExp(`Final Reason: ${reason.replace(/[()]/g, '\\$&')}\n`), label);
  }
  const kinds = new Set(TABLE.map(([o]) => o.kind));
  assert.equal(kinds.size, 7, 'every variant is in the table');
});

test('the summary: its first line by outcome; none after a command that could not start, none with -q', () => {
  const ok = resultOf({ kind: 'succeeded', by: 'exit-code-zero' });
  assert.equal(
    summary(ok),
    '✅ [retry] Command succeeded after 1 attempt.\n\nRun Statistics:\n  Total Attempts: 1\n  Successful Runs: 1\n  Failed Runs: 0\n  Total Duration: 1.5s\n  Final Reason: exit code 0\n',
  );
  assert.match(summary(resultOf({ kind: 'failure-pattern' })), /^❌ \[retry\] Command failed after 1 attempt\.\n/);
  assert.equal(finalLines(ok, false), summary(ok));
  assert.equal(finalLines(ok, true), '');
  assert.equal(
    finalLines(resultOf({ kind: 'spawn-failed', program: 'p', problem: 'not found', exitCode: 127 }), false),
    '',
  );
});

test('status lines: each way an attempt fails, the rate-limit wait, and the cannot-run error even with -q', () => {
  const cases: Array<[Parameters<typeof attemptFailureText>[0], string]> = [
    [{ kind: 'exit-code', code: 3 }, 'exit code 3'],
    [{ kind: 'signal', signal: 'SIGKILL' }, 'signal SIGKILL'],
    [{ kind: 'failure-pattern' }, 'failure pattern matched'],
    [{ kind: 'timeout', limitMs: 2000 }, 'timeout: 2s'],
    [{ kind: 'max-time' }, 'max time reached'],
    [{ kind: 'interrupted' }, 'interrupted'],
  ];
  for (const [why, text] of cases) assert.equal(attemptFailureText(why), text);

  const written: string[] = [];
  const loud = createStatus({ write: (s: string) => written.push(s) }, false);
  loud.attemptFailed(1, 3, { kind: 'timeout', limitMs: 200 }, 10);
  loud.attemptFailed(3, 3, { kind: 'exit-code', code: 1 });
  loud.rateLimited('api.example.com', 750);
  loud.cannotRun('nope', 'not found');
  const quiet = createStatus({ write: (s: string) => written.push(s) }, true);
  quiet.attemptStart(1, 3);
  quiet.rateLimited('x', 1);
  quiet.cannotRun('nope', 'permission denied');
  assert.deepEqual(written, [
    '[retry] Attempt 1/3 failed (timeout: 0.2s). Retrying in 0.01s.\n',
    '[retry] Attempt 3/3 failed (exit code 1).\n',
    '[retry] Rate limit for api.example.com: waiting 0.75s\n',
    "patience: cannot run 'nope': not found\n",
    "patience: cannot run 'nope': permission denied\n",
  ]);
});
