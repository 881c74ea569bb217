// The wire contract (README, "The socket protocol"; docs/record-limits.md): the run record that `patience` sends and `patienced`
// stores. One TypeBox schema serves the socket (compiled check) and the HTTP layer.
import Type, { type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { redact, type Redact } from './redact.ts';
import { commandHash } from './command-hash.ts';
import { parseRfc3339 } from './rfc3339.ts';
import { shownValue } from './shown-value.ts';
import { textLengthError } from './text-length.ts';
import * as L from './record-limits.ts';
import {
  EXTRA_FIELDS,
  RECORD_FIELDS,
  TIMESTAMP_MS_FIELD,
  type ExtraField,
  type FieldSpec,
  type RecordExtras,
} from './record-fields.ts';

export { commandHash };

const text = (maxLength: number, minLength = 0) => Type.String({ minLength, maxLength });

const Attempt = Type.Object({
  duration_seconds: Type.Number({ minimum: 0, maximum: L.MAX_DURATION_SECONDS }),
  exit_code: Type.Integer({ minimum: L.MIN_EXIT_CODE, maximum: L.MAX_EXIT_CODE }),
  success: Type.Boolean(),
});
export type Attempt = Static<typeof Attempt>;

/** RFC 3339 with a mandatory offset, as Go marshals time.Time; the calendar is checked apart. */
const RFC3339_PATTERN = '^\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})$';

/** A field's schema from its kind and bounds (record-fields.ts; docs/record-limits.md). */
export function schemaOf(f: FieldSpec): TSchema {
  switch (f.kind) {
    case 'text':
      return text(f.max ?? 0, f.min ?? 0);
    case 'int':
      return Type.Integer({ minimum: f.min, maximum: f.max });
    case 'number':
      return Type.Number({ minimum: f.min, maximum: f.max });
    case 'status':
      return Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]);
    case 'attempts':
      return Type.Array(Attempt, { maxItems: f.max });
    case 'timestamp':
      // Unix seconds, or an RFC 3339 string (how Go marshals time.Time); not before
      // 2000, not more than 5 minutes ahead of the daemon's clock (checked after the schema).
      return Type.Union([
        Type.Number({ minimum: L.MIN_TIMESTAMP_SECONDS }),
        Type.String({ maxLength: L.MAX_TIMESTAMP_TEXT_LENGTH, pattern: RFC3339_PATTERN }),
      ]);
    case 'labels':
      // A key outside the pattern fails `additionalProperties`: TypeBox's Record alone would let it through.
      return Type.Record(Type.String({ pattern: L.LABEL_KEY_PATTERN }), text(L.MAX_LABEL_VALUE_LENGTH), {
        maxProperties: L.MAX_LABELS,
        additionalProperties: false,
      });
  }
}

// Every field is bounded (docs/record-limits.md): lengths, entries and numeric ranges.
// Given counts must agree with `attempts` (checked after the schema).
export const WireRunRecord = Type.Object({
  ...Object.fromEntries(RECORD_FIELDS.map((f) => [f.name, f.optional ? Type.Optional(schemaOf(f)) : schemaOf(f)])),
  [TIMESTAMP_MS_FIELD]: Type.Optional(Type.Number({ minimum: L.MIN_TIMESTAMP_SECONDS * 1000 })),
});

/** A record as the wire schema admits it. */
export interface WireRunRecord extends RecordExtras {
  command: string;
  command_hash?: string;
  final_status: 'succeeded' | 'failed';
  total_duration_seconds: number;
  total_attempts?: number;
  successful_attempts?: number;
  failed_attempts?: number;
  attempts: Attempt[];
  timestamp?: number | string;
  /** The same time in unix ms (TIMESTAMP_MS_FIELD): preferred when both are sent. */
  timestamp_ms?: number;
}

/** A validated, normalised run record: counts derived, command redacted, time in unix ms. */
export interface RunRecord extends RecordExtras {
  command: string;
  command_hash: string;
  final_status: 'succeeded' | 'failed';
  total_duration_seconds: number;
  total_attempts: number;
  successful_attempts: number;
  failed_attempts: number;
  attempts: Attempt[];
  /** The run's end, unix milliseconds. */
  timestampMs: number;
}

const check = Compile(WireRunRecord);

/** The schema is built from the list, so TypeBox cannot infer its type: the interface spells it out. */
function isWire(value: unknown): value is WireRunRecord {
  return check.Check(value);
}

export type Validated = { ok: true; record: RunRecord } | { ok: false; error: string };

/**
 * Checks an untrusted JSON value and turns it into a RunRecord, or names the bad field.
 * Every free-text field goes through `redactText` (the daemon's may hold redact_patterns).
 */
export function validateRunRecord(value: unknown, nowMs: number, redactWith: Redact = redact): Validated {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'a run record must be a JSON object' };
  }
  if (!isWire(value)) return { ok: false, error: describe(value) };
  const v = value;
  const long = textLengthError(v);
  if (long !== undefined) return { ok: false, error: long };
  const time = timestampOf(v.timestamp, v.timestamp_ms, nowMs);
  if (typeof time === 'string') return { ok: false, error: time };
  const attempts = copyAttempts(v.attempts);
  let successful = 0;
  for (const a of attempts) if (a.success) successful++;
  const total = attempts.length;
  const wrongCount = countsError(v, total, successful);
  if (wrongCount !== undefined) return { ok: false, error: wrongCount };
  const command = redactText(v.command, redactWith);
  // The fields in the order they always had (the API and the stores see the same object).
  const record: RunRecord = {
    command,
    command_hash: v.command_hash === undefined ? commandHash(command) : redactText(v.command_hash, redactWith),
    final_status: v.final_status,
    total_duration_seconds: v.total_duration_seconds,
    total_attempts: total,
    successful_attempts: successful,
    failed_attempts: total - successful,
    attempts,
    timestampMs: time,
  };
  for (const f of EXTRA_FIELDS) copyExtra(f, v, record, redactWith);
  return { ok: true, record };
}

/** Every free-text field's way in: well-formed, then redacted. */
function redactText(text: string, redactWith: Redact): string {
  return redactWith(wellFormed(text));
}

/** Each attempt with its three fields only (the schema lets others through). */
function copyAttempts(given: readonly Attempt[]): Attempt[] {
  // Pushed, not preallocated: a packed array, as map() made.
  const out: Attempt[] = [];
  for (const a of given) out.push({ duration_seconds: a.duration_seconds, exit_code: a.exit_code, success: a.success });
  return out;
}

/**
 * A lone UTF-16 surrogate (JSON allows "\ud800") becomes U+FFFD, as invalid UTF-8 bytes
 * already do: SQLite stores text as UTF-8 and read such a string back as three U+FFFD, so
 * the stored text differed from the acknowledged one, grew past its bound, and the memory
 * store kept what the SQLite store could not. One code unit for one, so lengths hold.
 */
export function wellFormed(text: string): string {
  return /[\ud800-\udfff]/.test(text) ? text.replace(/\p{Cs}/gu, '\ufffd') : text;
}

/** One optional field, redacted when it is text. */
function copyExtra(f: ExtraField, from: RecordExtras, to: RecordExtras, redactWith: Redact): void {
  const value = from[f.name];
  if (value === undefined) return;
  const out = to as Record<string, unknown>;
  if (typeof value === 'string') out[f.name] = redactText(value, redactWith);
  else if (typeof value === 'number') out[f.name] = value;
  else out[f.name] = redactLabels(value, redactWith);
}

// A label named like a credential (`db_password`, `api-token`) is a secret whatever its value.
const SECRET_LABEL =
  /(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|auth|credentials?|private[_-]?key|passphrase|signature)$/i;

/** Keys are redacted too (a token pasted as a key); two keys that redact alike keep the last value. */
function redactLabels(labels: Readonly<Record<string, string>>, redactWith: Redact): Record<string, string> {
  // Object.fromEntries defines each key as its own property: assigning out["__proto__"] (a
  // valid label key) would set the object's prototype instead, and the label would be lost.
  return Object.fromEntries(
    Object.entries(labels).map(([k, val]) => [
      redactText(k, redactWith),
      SECRET_LABEL.test(k) ? (val === '' ? '' : '***') : redactText(val, redactWith),
    ]),
  );
}

/**
 * The counts are derived from `attempts`; given ones must say the same, or the stats
 * would count attempts that no record shows. Returns the error otherwise.
 */
function countsError(v: WireRunRecord, total: number, successful: number): string | undefined {
  if (v.total_attempts !== undefined && v.total_attempts !== total)
    return countError('total_attempts', v.total_attempts, total, 'entries in attempts');
  if (v.successful_attempts !== undefined && v.successful_attempts !== successful)
    return countError('successful_attempts', v.successful_attempts, successful, 'attempts with success: true');
  const failed = total - successful;
  if (v.failed_attempts !== undefined && v.failed_attempts !== failed)
    return countError('failed_attempts', v.failed_attempts, failed, 'attempts with success: false');
  return undefined;
}

function countError(field: string, given: number, derived: number, what: string): string {
  return `${field}: ${given} does not match the ${derived} ${what}; send the counts that attempts shows, or leave them out`;
}

/**
 * The run's end in unix ms (now when absent), or the error naming the field: `timestamp_ms`
 * when given (it must agree with `timestamp` to within a second), else `timestamp`.
 */
function timestampOf(t: number | string | undefined, tMs: number | undefined, nowMs: number): number | string {
  let ms = nowMs;
  if (typeof t === 'number') ms = t * 1000;
  else if (typeof t === 'string') {
    const parsed = parseRfc3339(t);
    if (!parsed.ok) return `timestamp: ${JSON.stringify(t)} ${parsed.reason}`;
    ms = parsed.ms;
  }
  let field = 'timestamp';
  if (tMs !== undefined) {
    if (t !== undefined && !(Math.abs(tMs - ms) < 1000)) {
      return `${TIMESTAMP_MS_FIELD}: ${tMs} is not the time of timestamp ${JSON.stringify(t)}; send the same time in both, or one of them`;
    }
    [ms, field] = [tMs, TIMESTAMP_MS_FIELD];
  }
  if (ms < L.MIN_TIMESTAMP_SECONDS * 1000) {
    return `${field}: ${new Date(ms).toISOString()} is before 2000-01-01; send unix seconds or an RFC 3339 time`;
  }
  // The CLI and the daemon share the host's clock, so a run cannot end in the future; a
  // far-future time would also escape age-based retention.
  if (ms > nowMs + L.MAX_FUTURE_MS) {
    const shown = ms < 8.64e15 ? new Date(ms).toISOString() : String(tMs ?? t);
    return `${field}: ${shown} is more than 5 minutes ahead of the daemon's clock`;
  }
  return ms;
}

/** The first schema error as `field.path: what is wrong`, nested fields named in full. */
export function describe(value: unknown): string {
  const first = check.Errors(value)[0];
  if (!first) return 'invalid run record';
  const path = first.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  const params = first.params as { requiredProperties?: string[] };
  if (first.keyword === 'required' && params.requiredProperties?.length) {
    return params.requiredProperties.map((p) => [...path, p].join('.')).join(', ') + ': required';
  }
  const field = path.join('.') || 'record';
  if (field === 'final_status') return 'final_status: must be "succeeded" or "failed"';
  if (path[0] === 'labels' && path.length === 2 && first.keyword === 'boolean') {
    const key = path[1] ?? '';
    const shown =
      key.length > 40 ? `${JSON.stringify(key.slice(0, 40))}… (${key.length} characters)` : JSON.stringify(key);
    return `labels: the key ${shown} must be 1..${L.MAX_LABEL_KEY_LENGTH} letters, digits or _.-/`;
  }
  const got = valueAt(value, path);
  if (field === 'timestamp') {
    return `timestamp: must be unix seconds from ${L.MIN_TIMESTAMP_SECONDS} (2000-01-01) on, or an RFC 3339 time such as 2026-01-02T15:04:05Z (got ${shownValue(got, 70)})`;
  }
  if (field === TIMESTAMP_MS_FIELD) {
    return `${TIMESTAMP_MS_FIELD}: must be unix milliseconds from ${L.MIN_TIMESTAMP_SECONDS * 1000} (2000-01-01) on (got ${shownValue(got, 70)})`;
  }
  return `${field}: ${first.message}${typeof got === 'number' ? ` (got ${got})` : ''}`;
}

function valueAt(value: unknown, path: string[]): unknown {
  let v = value;
  for (const p of path) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}
