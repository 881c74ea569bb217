// --dry-run: the delay schedule the strategy would use, assuming every attempt fails at
// once. Printed on stdout (it is what was asked for); nothing runs.
import { formatDuration } from '../retry/format.ts';
import type { Backoff, Random } from '../retry/strategies/types.ts';
import { STRATEGIES } from '../retry/strategies/index.ts';
import type { RunSettings } from './settings.ts';

export interface DryRunNotes {
  /** Extra context lines, e.g. what adaptive learned, the rate-limited resource. */
  notes: string[];
}

export function renderDryRun(s: RunSettings, backoff: Backoff, random: Random, extra: DryRunNotes): string {
  const lines = [
    `Dry run of patience ${s.strategy} (nothing is run): up to ${s.attempts} attempt${s.attempts === 1 ? '' : 's'}.`,
    `Delay after failed attempt n: ${STRATEGIES[s.strategy].formula}.`,
    ...extra.notes,
    '  attempt 1: at once',
  ];
  let at = 0;
  let total = 0;
  for (let n = 1; n < s.attempts; n++) {
    const delay = backoff.delay(n, { random });
    if (s.maxTimeMs > 0 && at + delay >= s.maxTimeMs) {
      lines.push(`  attempt ${n + 1}: not started, it would begin after --max-time ${formatDuration(s.maxTimeMs)}`);
      break;
    }
    at += delay;
    total += delay;
    lines.push(`  attempt ${n + 1}: after ${formatDuration(delay)} (at ${formatDuration(at)})`);
  }
  lines.push(`Total delay: ${formatDuration(total)} (the attempts' own run time comes on top).`, '');
  return lines.join('\n');
}
