// The exit codes patience uses, and the code an attempt's outcome stands for.
import type { AttemptOutcome } from './outcome.ts';

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
