// Patience's own lines, all on stderr: status lines and the summary block in the
// original's format, silenced by -q; errors and warnings always.
import { formatDuration } from '../retry/format.ts';
import type { RunResult, StatusSink } from '../retry/loop.ts';
import type { Writer } from './args.ts';

export function createStatus(stderr: Writer, quiet: boolean): StatusSink {
  const say = (line: string): void => {
    if (!quiet) stderr.write(`${line}\n`);
  };
  return {
    attemptStart: (n, total) => say(`[retry] Attempt ${n}/${total} starting...`),
    attemptFailed: (n, total, reason, next) =>
      say(
        `[retry] Attempt ${n}/${total} failed (${reason})${next === undefined ? '.' : `. Retrying in ${formatDuration(next)}.`}`,
      ),
    waiting: (message) => say(`[retry] ${message}`),
    error: (message) => stderr.write(`patience: ${message}\n`),
  };
}

export function summary(r: RunResult): string {
  const n = r.attempts.length;
  const noun = n === 1 ? 'attempt' : 'attempts';
  const ok = r.attempts.filter((a) => a.success).length;
  return [
    r.success ? `✅ [retry] Command succeeded after ${n} ${noun}.` : `❌ [retry] Command failed after ${n} ${noun}.`,
    '',
    'Run Statistics:',
    `  Total Attempts: ${n}`,
    `  Successful Runs: ${ok}`,
    `  Failed Runs: ${n - ok}`,
    `  Total Duration: ${formatDuration(r.durationMs)}`,
    `  Final Reason: ${r.reason}`,
    '',
  ].join('\n');
}
