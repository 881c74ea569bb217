// Diophantine: the delays come from the retry offsets (start times of the attempts,
// relative to the first), and a ledger of starts keeps the command inside
// rate-limit starts per window for its resource.
import type { Backoff } from './types.ts';

export interface DiophantineParams {
  /** Ascending start offsets in ms; a leading 0 is implied when absent. */
  offsetsMs: readonly number[];
}

/** Gaps between consecutive offsets; past the list the last gap repeats. */
export function offsetGaps(offsetsMs: readonly number[]): number[] {
  const starts = offsetsMs[0] === 0 ? [...offsetsMs] : [0, ...offsetsMs];
  const gaps: number[] = [];
  for (let i = 1; i < starts.length; i++) gaps.push((starts[i] as number) - (starts[i - 1] as number));
  return gaps;
}

export function diophantine(p: DiophantineParams): Backoff {
  const gaps = offsetGaps(p.offsetsMs);
  return { delay: (n) => gaps[Math.min(n, gaps.length) - 1] ?? 0 };
}

export type Admission = { ok: true; starts: number[] } | { ok: false; waitUntil: number };

/**
 * Whether one more start at `now` fits: at most rateLimit starts in any window. On
 * success the returned ledger has the new start and only the starts still in the window.
 */
export function admit(starts: readonly number[], now: number, rateLimit: number, windowMs: number): Admission {
  const live = starts.filter((t) => t > now - windowMs).sort((a, b) => a - b);
  if (live.length < rateLimit) return { ok: true, starts: [...live, now] };
  // The oldest starts must age out until one slot is free.
  const freeing = live[live.length - rateLimit] as number;
  return { ok: false, waitUntil: freeing + windowMs };
}

/** --resource-id when given; else the URL host for curl/wget, database for psql/mysql, else cmd-<program>. */
export function deriveResourceId(command: readonly string[]): string {
  const program = (command[0] ?? '').split('/').pop() ?? '';
  if (program === 'curl' || program === 'wget') {
    for (const arg of command.slice(1)) {
      const host = urlHost(arg);
      if (host) return host;
    }
  }
  if (program === 'psql' || program === 'mysql') return 'database';
  return `cmd-${program}`;
}

function urlHost(arg: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) return undefined;
  try {
    return new URL(arg).hostname || undefined;
  } catch {
    return undefined;
  }
}
