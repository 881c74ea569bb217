// Judging an attempt (docs/cli.md §4): the failure pattern, then the success pattern, then
// the exit code. Output produced before a timeout counts too. The verdict is data; its
// words are src/cli/output.ts's.
import type { RanAttemptOutcome } from './attempt-outcome.ts';

export interface Patterns {
  success?: RegExp | undefined;
  failure?: RegExp | undefined;
}

/** Why the judge failed an attempt that ran. */
export type AttemptFault =
  | { kind: 'failure-pattern' }
  | { kind: 'exit-code'; code: number }
  | { kind: 'signal'; signal: string }
  | { kind: 'timeout' };

/** What made an attempt a success. */
export type SuccessBy = 'exit-code-zero' | 'success-pattern';

/** The judge's decision on one attempt. A failure-pattern fault stops the run. */
export type AttemptVerdict = { success: true; by: SuccessBy } | { success: false; fault: AttemptFault };

export function judge(o: RanAttemptOutcome, patterns: Patterns): AttemptVerdict {
  const { stdout, stderr } = o.output;
  if (patterns.failure && (patterns.failure.test(stdout) || patterns.failure.test(stderr))) {
    return { success: false, fault: { kind: 'failure-pattern' } };
  }
  if (patterns.success && (patterns.success.test(stdout) || patterns.success.test(stderr))) {
    return { success: true, by: 'success-pattern' };
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
