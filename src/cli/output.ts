// Patience's own lines, all on stderr: status lines and the summary block in the
// original's format, silenced by -q; errors and warnings always. The words for how an
// attempt failed and how a run ended live here (the run record's reason too).
import type { AttemptFault } from '../retry/judge.ts';
import { formatDuration } from '../retry/format.ts';
import type { AttemptFailure, RunResult, StatusSink } from '../retry/loop.ts';
import type { RunOutcome } from '../retry/run-outcome.ts';
import type { Writer } from './args.ts';

const MAX_TIME = 'max time reached';

export function createStatus(stderr: Writer, quiet: boolean): StatusSink {
  const say = (line: string): void => {
    if (!quiet) stderr.write(`${line}\n`);
  };
  return {
    attemptStart: (n, total) => say(`[retry] Attempt ${n}/${total} starting...`),
    attemptFailed: (n, total, why, next) =>
      say(
        `[retry] Attempt ${n}/${total} failed (${attemptFailureText(why)})${next === undefined ? '.' : `. Retrying in ${formatDuration(next)}.`}`,
      ),
    rateLimited: (resource, waitMs) => say(`[retry] ${rateLimitedText(resource, waitMs)}`),
    cannotRun: (program, problem) => stderr.write(`patience: ${cannotRunText(program, problem)}\n`),
  };
}

/** The rate-limit wait line, without the "[retry] " prefix. */
export function rateLimitedText(resource: string, waitMs: number): string {
  return `Rate limit for ${resource}: waiting ${formatDuration(waitMs)}`;
}

export function cannotRunText(program: string, problem: string): string {
  return `cannot run '${program}': ${problem}`;
}

/** Only the status code: the reason phrase is the server's text, and it adds nothing. */
const httpNotRetryableText = (status: number): string => `HTTP ${status}: not retryable`;

/** What the judge found, in words: "exit code 7", "signal SIGKILL", "timeout", "HTTP 503". */
export function faultText(f: AttemptFault): string {
  switch (f.kind) {
    case 'failure-pattern':
      return 'failure pattern matched';
    case 'http-retryable':
      return `HTTP ${f.status}`;
    case 'http-not-retryable':
      return httpNotRetryableText(f.status);
    case 'exit-code':
      return `exit code ${f.code}`;
    case 'signal':
      return `signal ${f.signal}`;
    case 'timeout':
      return 'timeout';
  }
}

/** The parenthesis of a failed attempt's status line. */
export function attemptFailureText(why: AttemptFailure): string {
  switch (why.kind) {
    case 'timeout':
      return `timeout: ${formatDuration(why.limitMs)}`;
    case 'max-time':
      return MAX_TIME;
    case 'interrupted':
      return 'interrupted';
    default:
      return faultText(why);
  }
}

/** The final reason: the summary's last line and the run record's `reason` (docs/cli.md §5). */
export function runOutcomeText(o: RunOutcome): string {
  switch (o.kind) {
    case 'succeeded':
      return o.by === 'success-pattern' ? 'success pattern matched' : 'exit code 0';
    case 'exhausted':
      return o.limit === 1 ? faultText(o.lastFault) : `max retries reached (${faultText(o.lastFault)})`;
    case 'failure-pattern':
      return faultText(o);
    case 'not-retryable':
      return o.rule === 'stop-on'
        ? `exit code ${o.exitCode} is in --stop-on`
        : `exit code ${o.exitCode} is not in --retry-on`;
    case 'http-not-retryable':
      return httpNotRetryableText(o.status);
    case 'max-time':
      return o.cause === 'retry-after' ? 'retry-after exceeds max-time' : MAX_TIME;
    case 'interrupted':
      return 'interrupted';
    case 'spawn-failed':
      return cannotRunText(o.program, o.problem);
  }
}

/**
 * What patience prints once the run is over: the summary block, unless -q, or nothing
 * after a command that could not start (its error line has been said already).
 */
export function finalLines(r: RunResult, quiet: boolean): string {
  return quiet || r.outcome.kind === 'spawn-failed' ? '' : summary(r);
}

export function summary(r: RunResult): string {
  const n = r.attempts.length;
  const noun = n === 1 ? 'attempt' : 'attempts';
  const ok = r.attempts.filter((a) => a.success).length;
  return [
    r.outcome.kind === 'succeeded'
      ? `✅ [retry] Command succeeded after ${n} ${noun}.`
      : `❌ [retry] Command failed after ${n} ${noun}.`,
    '',
    'Run Statistics:',
    `  Total Attempts: ${n}`,
    `  Successful Runs: ${ok}`,
    `  Failed Runs: ${n - ok}`,
    `  Total Duration: ${formatDuration(r.durationMs)}`,
    `  Final Reason: ${runOutcomeText(r.outcome)}`,
    '',
  ].join('\n');
}
