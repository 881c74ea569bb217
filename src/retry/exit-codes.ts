// The exit codes patience uses, the code an attempt's outcome stands for, and the code a
// run ends with.
import type { AttemptOutcome, RanAttemptOutcome } from './attempt-outcome.ts';
import type { AttemptVerdict } from './judge.ts';
import type { RunOutcome } from './run-outcome.ts';

export const EXIT = {
  success: 0,
  failurePattern: 1,
  usage: 2,
  /** curl's code for an HTTP error under -f: an HTTP status failed a command that exited 0. */
  httpError: 22,
  timeout: 124,
  cannotExecute: 126,
  notFound: 127,
  signalBase: 128,
} as const;

/** The code an attempt stands for: its own, 124 on timeout, 128 + N when killed by signal N. */
export function attemptExitCode(o: AttemptOutcome): number {
  switch (o.kind) {
    case 'exited':
      return o.code;
    case 'signaled':
      return EXIT.signalBase + o.signalNumber;
    case 'timed-out':
      return EXIT.timeout;
    case 'spawn-failed':
      return o.exitCode;
  }
}

/**
 * The code a judged attempt stands for: attemptExitCode, except that an attempt an HTTP
 * status failed stands for 22 when the command itself exited 0 (curl -i does, whatever the
 * status), as curl -f would have. So such an attempt never counts as 0: not in the run
 * record, not for --retry-on/--stop-on, not as patience's exit code.
 */
export function judgedExitCode(o: RanAttemptOutcome, v: AttemptVerdict): number {
  const code = attemptExitCode(o);
  if (code !== 0 || v.success) return code;
  return v.fault.kind === 'http-retryable' || v.fault.kind === 'http-not-retryable' ? EXIT.httpError : code;
}

/** patience's own exit code for a run (docs/cli.md, exit codes). */
export function runExitCode(o: RunOutcome): number {
  switch (o.kind) {
    case 'succeeded':
      return EXIT.success;
    case 'failure-pattern':
      return EXIT.failurePattern;
    case 'interrupted':
      return EXIT.signalBase + o.signalNumber;
    case 'exhausted':
    case 'not-retryable':
    case 'http-not-retryable':
    case 'max-time':
    case 'spawn-failed':
      return o.exitCode;
  }
}
