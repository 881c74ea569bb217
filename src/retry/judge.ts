// Judging an attempt (docs/cli.md §4): the failure pattern, then the success pattern, then
// the exit code. Output produced before a timeout counts too.
import type { RanOutcome } from './outcome.ts';

export interface Patterns {
  success?: RegExp | undefined;
  failure?: RegExp | undefined;
}

export type Verdict =
  | { success: true; reason: 'exit code 0' | 'success pattern matched' }
  | { success: false; reason: 'failure pattern matched'; stop: true }
  | { success: false; reason: string; stop: false };

export function judge(o: RanOutcome, patterns: Patterns): Verdict {
  const { stdout, stderr } = o.output;
  if (patterns.failure && (patterns.failure.test(stdout) || patterns.failure.test(stderr))) {
    return { success: false, reason: 'failure pattern matched', stop: true };
  }
  if (patterns.success && (patterns.success.test(stdout) || patterns.success.test(stderr))) {
    return { success: true, reason: 'success pattern matched' };
  }
  switch (o.kind) {
    case 'exited':
      return o.code === 0
        ? { success: true, reason: 'exit code 0' }
        : { success: false, reason: `exit code ${o.code}`, stop: false };
    case 'signaled':
      return { success: false, reason: `signal ${o.signal}`, stop: false };
    case 'timed-out':
      return { success: false, reason: 'timeout', stop: false };
  }
}
