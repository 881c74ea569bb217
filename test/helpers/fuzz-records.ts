// Valid run records, built at random within docs/record-limits.md: every optional field,
// every bound reached now and then, text full of characters that stress encoders. The fuzz
// suite (test/security/fuzz.test.ts) mutates them; fuzz-documents.ts says how.
import * as L from '../../src/shared/record-limits.ts';
import { chance, int, labelKey, length, number, pick, text, type Rng } from './fuzz-values.ts';

export type Json = Record<string, unknown>;

function attempt(r: Rng): Json {
  return {
    duration_seconds: number(r, 0, L.MAX_DURATION_SECONDS),
    exit_code: exitCode(r),
    success: chance(r, 0.5),
  };
}

function exitCode(r: Rng): number {
  return pick(r, [0, 1, 2, 124, 126, 127, 137, 255, L.MIN_EXIT_CODE, L.MAX_EXIT_CODE, int(r, -5000, 5000)]);
}

export const attempts = (r: Rng, n: number): Json[] => Array.from({ length: n }, () => attempt(r));

/** Labels built with own properties only: `obj["__proto__"] = v` would set a prototype, not a label. */
export function labels(r: Rng): Json {
  const n = chance(r, 0.05) ? L.MAX_LABELS : int(r, 0, 4);
  const entries = new Map<string, string>();
  while (entries.size < n) entries.set(labelKey(r), text(r, length(r, L.MAX_LABEL_VALUE_LENGTH)));
  return Object.fromEntries(entries);
}

/** A time from 2000 to ten minutes ago, as unix seconds or as RFC 3339 text in one of its spellings. */
export function timestamp(r: Rng, nowMs: number): number | string {
  const ms = int(r, L.MIN_TIMESTAMP_SECONDS * 1000, nowMs - 600_000);
  const roll = r();
  if (roll < 0.4) return chance(r, 0.5) ? ms / 1000 : Math.floor(ms / 1000);
  const iso = new Date(ms).toISOString();
  if (roll < 0.55) return iso;
  if (roll < 0.7) return `${iso.slice(0, 19)}+00:00`;
  if (roll < 0.8) return `${iso.slice(0, 23)}456789z`.replace('T', 't');
  // The same instant at +05:30.
  return `${new Date(ms + 330 * 60_000).toISOString().slice(0, 23)}+05:30`;
}

/**
 * A valid record whose command starts with `id` and a space, so that the stored copy is
 * found again in the export; the rest of the command is random.
 */
export function validRecord(r: Rng, id: string, nowMs: number): Json {
  const list = attempts(r, chance(r, 0.01) ? L.MAX_ATTEMPTS : int(r, 0, 5));
  const rec: Json = {
    command: `${id} ${text(r, length(r, L.MAX_COMMAND_LENGTH - id.length - 1))}`,
    final_status: pick(r, ['succeeded', 'failed']),
    total_duration_seconds: number(r, 0, L.MAX_DURATION_SECONDS),
    attempts: list,
  };
  if (chance(r, 0.3)) rec.command_hash = text(r, length(r, L.MAX_COMMAND_HASH_LENGTH, 1));
  if (chance(r, 0.3)) {
    const ok = list.filter((a) => a.success === true).length;
    rec.total_attempts = list.length;
    rec.successful_attempts = ok;
    rec.failed_attempts = list.length - ok;
  }
  if (chance(r, 0.5)) rec.timestamp = timestamp(r, nowMs);
  if (chance(r, 0.4)) rec.strategy = text(r, length(r, L.MAX_STRATEGY_LENGTH));
  if (chance(r, 0.4)) rec.exit_code = exitCode(r);
  if (chance(r, 0.4)) rec.reason = text(r, length(r, L.MAX_REASON_LENGTH));
  if (chance(r, 0.4)) rec.host = text(r, length(r, L.MAX_HOST_LENGTH));
  if (chance(r, 0.4)) rec.labels = labels(r);
  if (chance(r, 0.3)) rec.duration_limit = number(r, 0, L.MAX_DURATION_SECONDS);
  return rec;
}
