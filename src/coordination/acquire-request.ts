// The `acquire` message (docs/coordination.md) as the daemon reads it: one compiled TypeBox check for
// the common case, and on failure a message that names the first bad field, its value and
// the accepted range.
import Type from 'typebox';
import { Compile } from 'typebox/compile';
import type { AcquireRequest } from './ledger.ts';
import { shownValue } from '../shared/shown-value.ts';
import { MAX_RATE_LIMIT, MAX_RESOURCE_ID_LENGTH, MAX_WINDOW_SECONDS } from './limits.ts';

export const ACQUIRE_TYPE = 'acquire';

/** No control characters (C0, DEL, C1): the id is shown in logs, the API and the dashboard. */
const RESOURCE_ID_PATTERN = '^[^\\u0000-\\u001f\\u007f-\\u009f]+$';

export const WireAcquire = Type.Object({
  type: Type.Literal(ACQUIRE_TYPE),
  resource_id: Type.String({ minLength: 1, maxLength: MAX_RESOURCE_ID_LENGTH, pattern: RESOURCE_ID_PATTERN }),
  rate_limit: Type.Integer({ minimum: 1, maximum: MAX_RATE_LIMIT }),
  window_seconds: Type.Number({ exclusiveMinimum: 0, maximum: MAX_WINDOW_SECONDS }),
});

const check = Compile(WireAcquire);

export type AcquireCheck = { ok: true; request: AcquireRequest } | { ok: false; error: string };

export function validateAcquire(value: unknown): AcquireCheck {
  if (check.Check(value)) {
    return {
      ok: true,
      request: { resource_id: value.resource_id, rate_limit: value.rate_limit, window_seconds: value.window_seconds },
    };
  }
  return { ok: false, error: describe(value as Record<string, unknown>) };
}

/** A short, safe rendering of what was sent (never walks a nested value). */
const shown = (v: unknown): string => shownValue(v);

function describe(o: Record<string, unknown>): string {
  const id = o.resource_id;
  if (typeof id !== 'string') return `resource_id: must be a non-empty string naming the resource (got ${shown(id)})`;
  if (id.length === 0) return 'resource_id: must not be empty (name the resource, e.g. the API host)';
  if (id.length > MAX_RESOURCE_ID_LENGTH) {
    return `resource_id: must be at most ${MAX_RESOURCE_ID_LENGTH} characters (got ${id.length}); use a shorter name for the resource`;
  }
  if (!new RegExp(RESOURCE_ID_PATTERN, 'u').test(id))
    return `resource_id: must not contain control characters (got ${shown(id)})`;
  const limit = o.rate_limit;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    return `rate_limit: must be a positive integer (got ${shown(limit)})`;
  }
  if (limit > MAX_RATE_LIMIT)
    return `rate_limit: must be at most ${MAX_RATE_LIMIT} (got ${limit}); use a longer window_seconds instead`;
  const w = o.window_seconds;
  if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0) {
    return `window_seconds: must be a positive number of seconds (got ${shown(w)})`;
  }
  if (w > MAX_WINDOW_SECONDS) return `window_seconds: must be at most ${MAX_WINDOW_SECONDS} (7 days) (got ${w})`;
  return 'acquire: invalid request';
}
