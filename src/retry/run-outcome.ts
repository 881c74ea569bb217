// How a whole run ended: exactly one of eight shapes, each with the data it needs. Words
// for it live in src/cli/output.ts (status lines, summary) and src/cli/report.ts (the run
// record); the exit code in exit-codes.ts (runExitCode, docs/cli.md §6).
import type { AttemptFault, SuccessBy } from './judge.ts';

/** A fault the loop may retry: anything but a failure pattern or a 4xx, which stop at once. */
export type RetryableFault = Exclude<AttemptFault, { kind: 'failure-pattern' } | { kind: 'http-not-retryable' }>;

export type RunOutcome =
  | { kind: 'succeeded'; by: SuccessBy }
  /** Every attempt (`limit` of them) failed; the last one for lastFault. */
  | { kind: 'exhausted'; limit: number; lastFault: RetryableFault; exitCode: number }
  /** An attempt's output matched --failure-pattern (exit 1). */
  | { kind: 'failure-pattern' }
  /** The attempt's exit code is in --stop-on, or not in --retry-on. */
  | { kind: 'not-retryable'; rule: 'stop-on' | 'retry-on'; exitCode: number }
  /**
   * http-aware: the response was a 4xx other than 429, which asking again cannot change.
   * exitCode is the command's own when not 0, else 22 (exit-codes.ts, judgedExitCode).
   */
  | { kind: 'http-not-retryable'; status: number; exitCode: number }
  /**
   * --max-time ran out, or the next delay would overrun it (`retry-after` when a server
   * hint set that delay). exitCode is the last attempt's, 124 when none ran.
   */
  | { kind: 'max-time'; cause: 'budget' | 'retry-after'; exitCode: number }
  /** A signal to patience (exit 128 + signalNumber). */
  | { kind: 'interrupted'; signal: NodeJS.Signals; signalNumber: number }
  /** The command could not be started (exit 126 or 127). */
  | { kind: 'spawn-failed'; program: string; problem: string; exitCode: 126 | 127 };
