// --since and --until: a Go duration back from now (30m, 24h, 1h30m) or an RFC 3339 time,
// turned into the RFC 3339 text the API takes.
import { parseGoDuration } from '../../shared/duration.ts';
import { parseRfc3339 } from '../../shared/rfc3339.ts';

const MAX_DATE_MS = 8.64e15;

export type TimeBound = { ok: true; ms: number } | { ok: false; problem: string };

/** The time a --since/--until value names, in unix ms. */
export function parseTimeBound(text: string, nowMs: number): TimeBound {
  const back = parseGoDuration(text);
  if (back !== undefined) {
    if (back < 0)
      return { ok: false, problem: `must be a duration back from now such as 30m, got ${JSON.stringify(text)}` };
    // Date cannot hold a time more than 100 million days from 1970.
    if (nowMs - back < -MAX_DATE_MS) return { ok: false, problem: `${JSON.stringify(text)} reaches too far back` };
    return { ok: true, ms: nowMs - back };
  }
  // Digits and a unit look like a duration: say what is wrong with it rather than with a time.
  // \u00b5 and \u03bc: µ and μ, escaped so that the CLI bundle stays ASCII (scripts/build.mjs).
  if (/^[\d.]+[a-z\u00b5\u03bc]*$/i.test(text) && !/^\d{4}-/.test(text))
    return {
      ok: false,
      problem: `${JSON.stringify(text)} is not a duration such as 30m, 24h or 1h30m, nor an RFC 3339 time`,
    };
  const time = parseRfc3339(text);
  if (!time.ok) return { ok: false, problem: `${JSON.stringify(text)} ${time.reason}, or a duration such as 24h` };
  return { ok: true, ms: time.ms };
}

/** RFC 3339 in UTC, as the API reads it: 2026-01-02T15:04:05.000Z. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
