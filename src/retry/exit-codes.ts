// The exit codes patience uses, the code an attempt's outcome stands for, and the code a
// run ends with.
import type { AttemptOutcome } from './attempt-outcome.ts';
import type { RunOutcome } from './run-outcome.ts';

export const EXIT = {
  success: 0,
  failurePattern: 1,
  usage: 2,
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
    case 'max-time':
    case 'spawn-failed':
      return o.exitCode;
  }
}
