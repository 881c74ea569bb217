// The wire contract of SPEC §1: the run record that `patience` sends and `patienced`
// stores. One TypeBox schema serves the socket (compiled check) and the HTTP layer.
import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { redact, type Redact } from './redact.ts';
import { commandHash } from './command-hash.ts';

export { commandHash };

const Attempt = Type.Object({
  duration_seconds: Type.Number({ minimum: 0 }),
  exit_code: Type.Integer(),
  success: Type.Boolean(),
});

const Count = Type.Integer({ minimum: 0 });

export const WireRunRecord = Type.Object({
  command: Type.String({ minLength: 1 }),
  command_hash: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  final_status: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]),
  total_duration_seconds: Type.Number({ minimum: 0 }),
  total_attempts: Type.Optional(Count),
  successful_attempts: Type.Optional(Count),
  failed_attempts: Type.Optional(Count),
  attempts: Type.Array(Attempt, { maxItems: 100_000 }),
  // Unix seconds (SPEC), or an RFC 3339 string (how Go marshals time.Time).
  timestamp: Type.Optional(Type.Union([Type.Number({ minimum: 0 }), Type.String({ maxLength: 64 })])),
  strategy: Type.Optional(Type.String({ maxLength: 64 })),
  exit_code: Type.Optional(Type.Integer()),
  reason: Type.Optional(Type.String({ maxLength: 1024 })),
  host: Type.Optional(Type.String({ maxLength: 255 })),
  labels: Type.Optional(Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 1024 }))),
});
export type WireRunRecord = Static<typeof WireRunRecord>;
export type Attempt = Static<typeof Attempt>;

/** A validated, normalised run record: counts derived, command redacted, time in unix ms. */
export interface RunRecord {
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
  strategy?: string;
  exit_code?: number;
  reason?: string;
  host?: string;
  labels?: Record<string, string>;
}

const MAX_LABELS = 32;
const MAX_FUTURE_MS = 5 * 60_000;
const check = Compile(WireRunRecord);

export type Validated = { ok: true; record: RunRecord } | { ok: false; error: string };

/**
 * Checks an untrusted JSON value and turns it into a RunRecord, or names the bad field.
 * Every free-text field goes through `redactText` (the daemon's may hold redact_patterns).
 */
export function validateRunRecord(value: unknown, nowMs: number, redactText: Redact = redact): Validated {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'a run record must be a JSON object' };
  }
  if (!check.Check(value)) return { ok: false, error: describe(value) };
  const v = value;
  let timestampMs = nowMs;
  if (typeof v.timestamp === 'number') timestampMs = v.timestamp * 1000;
  else if (typeof v.timestamp === 'string') {
    timestampMs = Date.parse(v.timestamp);
    if (!Number.isFinite(timestampMs)) return { ok: false, error: 'timestamp: not unix seconds or an RFC 3339 time' };
  }
  // The CLI and the daemon share the host's clock, so a run cannot end in the future; a
  // far-future time would also escape age-based retention.
  if (timestampMs > nowMs + MAX_FUTURE_MS) {
    return { ok: false, error: `timestamp: ${new Date(timestampMs).toISOString()} is more than 5 minutes ahead of the daemon's clock` };
  }
  if (v.labels && Object.keys(v.labels).length > MAX_LABELS) {
    return { ok: false, error: `labels: more than ${MAX_LABELS} labels` };
  }
  const command = redactText(v.command);
  let successful = 0;
  for (const a of v.attempts) if (a.success) successful++;
  const record: RunRecord = {
    command,
    command_hash: v.command_hash === undefined ? commandHash(command) : redactText(v.command_hash),
    final_status: v.final_status,
    total_duration_seconds: v.total_duration_seconds,
    total_attempts: v.total_attempts ?? v.attempts.length,
    successful_attempts: v.successful_attempts ?? successful,
    failed_attempts: v.failed_attempts ?? v.attempts.length - successful,
    attempts: v.attempts.map((a) => ({ duration_seconds: a.duration_seconds, exit_code: a.exit_code, success: a.success })),
    timestampMs,
  };
  if (v.strategy !== undefined) record.strategy = redactText(v.strategy);
  if (v.exit_code !== undefined) record.exit_code = v.exit_code;
  if (v.reason !== undefined) record.reason = redactText(v.reason);
  if (v.host !== undefined) record.host = redactText(v.host);
  if (v.labels !== undefined) record.labels = redactLabels(v.labels, redactText);
  return { ok: true, record };
}

// A label named like a credential (`db_password`, `api-token`) is a secret whatever its value.
const SECRET_LABEL = /(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|auth|credentials?|private[_-]?key|passphrase|signature)$/i;

/** Keys are redacted too (a token pasted as a key); two keys that redact alike keep the last value. */
function redactLabels(labels: Readonly<Record<string, string>>, redactText: Redact): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(labels)) out[redactText(k)] = SECRET_LABEL.test(k) ? (val === '' ? '' : '***') : redactText(val);
  return out;
}

function describe(value: unknown): string {
  const first = check.Errors(value)[0];
  if (!first) return 'invalid run record';
  const params = first.params as { requiredProperties?: string[] };
  if (first.keyword === 'required' && params.requiredProperties?.length) {
    return `${params.requiredProperties.join(', ')}: required`;
  }
  const field = first.instancePath.replace(/^\//, '').replaceAll('/', '.') || 'record';
  if (field === 'final_status') return 'final_status: must be "succeeded" or "failed"';
  return `${field}: ${first.message}`;
}
