// The run record's fields, in one list (docs/record-limits.md). Everything that names the
// fields one by one derives from it: the wire schema and normalisation (run-record.ts),
// the memory store's columns (store/memory-columns.ts), the SQLite columns, insert and
// row decoding (store/sqlite-codec.ts, sqlite-schema.ts), the record's cost
// (store/record-cost.ts), the API's `metrics` object, the CSV columns
// (http/serialize.ts) and MAX_RECORD_BYTES below.
//
// Core fields have storage of their own in each store (a flag bit, the attempts triples,
// the run time in ms); every other field is optional and handled by kind alone, so adding
// one is one entry here: both stores, the API, the CSV export and an existing data file
// (a column is added on open) follow.
import * as L from './record-limits.ts';

/**
 * text: a string, redacted on ingest; int and number: in [min, max]; labels: a string map
 * (keys and values redacted); status, attempts and timestamp are one core field each.
 */
export type FieldKind = 'text' | 'int' | 'number' | 'labels' | 'status' | 'attempts' | 'timestamp';

export interface FieldSpec {
  /** The wire name, the key in the API's `metrics`, the CSV column and (non-core) the SQLite column. */
  readonly name: string;
  readonly kind: FieldKind;
  readonly optional: boolean;
  /** Stored by hand in each store; otherwise stored, served and exported by kind. */
  readonly core: boolean;
  /** text: length in UTF-16 code units; int, number: the value. */
  readonly min?: number;
  readonly max?: number;
  /** Where its column goes in the CSV export (http/serialize.ts puts the run's id at 0 and received_at at 2); none when absent. */
  readonly csv?: number;
}

const count = { kind: 'int', optional: true, core: true, min: 0, max: L.MAX_ATTEMPTS } as const;
const duration = { kind: 'number', min: 0, max: L.MAX_DURATION_SECONDS } as const;

/** In the order of the API's `metrics` object (and the wire schema's properties). */
export const RECORD_FIELDS = [
  { name: 'command', kind: 'text', optional: false, core: true, min: 1, max: L.MAX_COMMAND_LENGTH, csv: 3 },
  { name: 'command_hash', kind: 'text', optional: true, core: true, min: 1, max: L.MAX_COMMAND_HASH_LENGTH, csv: 4 },
  { name: 'final_status', kind: 'status', optional: false, core: true, csv: 5 },
  { name: 'total_duration_seconds', ...duration, optional: false, core: true, csv: 6 },
  { name: 'total_attempts', ...count, csv: 7 },
  { name: 'successful_attempts', ...count, csv: 8 },
  { name: 'failed_attempts', ...count, csv: 9 },
  { name: 'attempts', kind: 'attempts', optional: false, core: true, max: L.MAX_ATTEMPTS },
  { name: 'timestamp', kind: 'timestamp', optional: true, core: true, csv: 1 },
  { name: 'strategy', kind: 'text', optional: true, core: false, max: L.MAX_STRATEGY_LENGTH, csv: 11 },
  { name: 'exit_code', kind: 'int', optional: true, core: false, min: L.MIN_EXIT_CODE, max: L.MAX_EXIT_CODE, csv: 10 },
  { name: 'reason', kind: 'text', optional: true, core: false, max: L.MAX_REASON_LENGTH, csv: 12 },
  { name: 'host', kind: 'text', optional: true, core: false, max: L.MAX_HOST_LENGTH, csv: 13 },
  { name: 'labels', kind: 'labels', optional: true, core: false, csv: 14 },
  // Seconds each attempt may run (patience --timeout), when it has a limit.
  { name: 'duration_limit', ...duration, optional: true, core: false, csv: 15 },
] as const satisfies readonly FieldSpec[];

/**
 * The run's end in unix milliseconds, beside a whole-second `timestamp`: the Go original's
 * daemon refuses a fractional `timestamp`, so patience sends whole seconds there and the
 * exact time here. The daemon prefers it; it is folded into the stored time, never stored
 * or served by itself.
 */
export const TIMESTAMP_MS_FIELD = 'timestamp_ms';

export type RecordField = (typeof RECORD_FIELDS)[number];
export type ExtraField = Extract<RecordField, { core: false }>;

/** The optional fields stored, served and exported by kind alone. */
export const EXTRA_FIELDS: readonly ExtraField[] = RECORD_FIELDS.filter((f): f is ExtraField => !f.core);

/** The value of each kind of extra field, once validated. */
export interface ExtraValue {
  text: string;
  int: number;
  number: number;
  labels: Record<string, string>;
}

/** The extra fields of a RunRecord (and of the wire record): all optional. */
export type RecordExtras = { [F in ExtraField as F['name']]?: ExtraValue[F['kind']] };

/** The longest JSON text of a double in range, e.g. 0.0000012345678901234567. */
const LONGEST_NUMBER = 25;

/**
 * The largest valid record as compact JSON (how patience and Go's encoder write it), in
 * bytes: every free-text field at its limit and made of characters that JSON escapes as
 * \uXXXX (6 bytes each), 1000 attempts with the longest numbers a double prints, every
 * optional field present. Whitespace between tokens is not counted: no client pads its JSON.
 */
export const MAX_RECORD_BYTES = largestRecordBytes();

function largestValueBytes(f: FieldSpec): number {
  const text = (chars: number): number => 2 + 6 * chars;
  const int = (min: number, max: number): number => Math.max(String(min).length, String(max).length);
  switch (f.kind) {
    case 'text':
      return text(f.max ?? 0);
    case 'int':
      return int(f.min ?? 0, f.max ?? 0);
    case 'number':
      return LONGEST_NUMBER;
    case 'status':
      return '"succeeded"'.length;
    case 'attempts': {
      const attempt =
        '{"duration_seconds":,"exit_code":,"success":false}'.length +
        LONGEST_NUMBER +
        int(L.MIN_EXIT_CODE, L.MAX_EXIT_CODE);
      return 2 + L.MAX_ATTEMPTS * attempt + (L.MAX_ATTEMPTS - 1);
    }
    case 'timestamp':
      // The RFC 3339 pattern admits only ASCII that JSON does not escape.
      return 2 + L.MAX_TIMESTAMP_TEXT_LENGTH;
    case 'labels': {
      const label = 2 + L.MAX_LABEL_KEY_LENGTH + 1 + text(L.MAX_LABEL_VALUE_LENGTH);
      return 2 + L.MAX_LABELS * label + (L.MAX_LABELS - 1);
    }
  }
}

function largestRecordBytes(): number {
  let bytes = 2 + (RECORD_FIELDS.length - 1);
  for (const f of RECORD_FIELDS) bytes += f.name.length + 3 + largestValueBytes(f);
  return bytes + 1 + TIMESTAMP_MS_FIELD.length + 3 + LONGEST_NUMBER;
}

export type ExtraValueOf = ExtraValue[keyof ExtraValue];

/** An extra field's value by name (the stores and serializers loop over EXTRA_FIELDS). */
export function extraOf(r: RecordExtras, name: string): ExtraValueOf | undefined {
  return (r as Readonly<Record<string, ExtraValueOf | undefined>>)[name];
}

export function setExtra(r: RecordExtras, name: string, value: ExtraValueOf): void {
  (r as Record<string, ExtraValueOf>)[name] = value;
}
