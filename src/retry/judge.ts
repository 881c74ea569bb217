// Judging an attempt (docs/cli.md §4): the failure pattern, then the success pattern, then
// (http-aware only) the HTTP status the output shows, then the exit code. Output produced
// before a timeout counts too. The verdict is data; its words are src/cli/output.ts's.
import type { RanAttemptOutcome } from './attempt-outcome.ts';

export interface Patterns {
  success?: RegExp | undefined;
  failure?: RegExp | undefined;
}

/** Why the judge failed an attempt that ran. */
export type AttemptFault =
  | { kind: 'failure-pattern' }
  /** A 429 or 5xx response: the server may answer otherwise later. */
  | { kind: 'http-retryable'; status: number }
  /** Any other 4xx response: asking again cannot help, so the run stops. */
  | { kind: 'http-not-retryable'; status: number }
  | { kind: 'exit-code'; code: number }
  | { kind: 'signal'; signal: string }
  | { kind: 'timeout' };

/** What made an attempt a success. */
export type SuccessBy = 'exit-code-zero' | 'success-pattern';

/** The judge's decision on one attempt. A failure-pattern or http-not-retryable fault stops the run. */
export type AttemptVerdict = { success: true; by: SuccessBy } | { success: false; fault: AttemptFault };

/**
 * httpStatus: the status of the last final response in the output (http-status.ts), for
 * http-aware; undefined otherwise.
 */
export function judge(o: RanAttemptOutcome, patterns: Patterns, httpStatus?: number): AttemptVerdict {
  const { stdout, stderr } = o.output;
  if (patterns.failure && (patterns.failure.test(stdout) || patterns.failure.test(stderr))) {
    return { success: false, fault: { kind: 'failure-pattern' } };
  }
  if (patterns.success && (patterns.success.test(stdout) || patterns.success.test(stderr))) {
    return { success: true, by: 'success-pattern' };
  }
  // As curl -f would: an error status fails the attempt even when the command exited 0.
  // Only for a command that exited on its own: a timed-out or killed one may have printed
  // half a response, and stays a timeout or a signal.
  if (o.kind === 'exited' && httpStatus !== undefined) {
    const fault = httpFault(httpStatus);
    if (fault) return { success: false, fault };
  }
  switch (o.kind) {
    case 'exited':
      return o.code === 0
        ? { success: true, by: 'exit-code-zero' }
        : { success: false, fault: { kind: 'exit-code', code: o.code } };
    case 'signaled':
      return { success: false, fault: { kind: 'signal', signal: o.signal } };
    case 'timed-out':
      return { success: false, fault: { kind: 'timeout' } };
  }
}

/**
 * The fault an HTTP status stands for; undefined for 2xx and 3xx, which leave the decision
 * to the exit code (a transfer cut short after a 200 still fails, as it would with curl -f).
 */
export function httpFault(status: number): AttemptFault | undefined {
  if (status === 429 || status >= 500) return { kind: 'http-retryable', status };
  if (status >= 400) return { kind: 'http-not-retryable', status };
  return undefined;
}
