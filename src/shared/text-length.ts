// Text bounds in UTF-16 code units, as docs/record-limits.md states them and as `patience`
// clips. The schema's maxLength counts code points (JSON Schema's rule), so a string of
// astral characters such as emoji passed it at up to twice its bound, and a record could
// outgrow MAX_RECORD_BYTES (6 bytes per code unit). Checked after the schema.
import * as L from './record-limits.ts';
import { RECORD_FIELDS } from './record-fields.ts';
import type { WireRunRecord } from './run-record.ts';

const TEXT_FIELDS = RECORD_FIELDS.filter((f) => f.kind === 'text');

const tooLong = (field: string, max: number, got: number): string =>
  `${field}: must not have more than ${max} characters (got ${got} UTF-16 code units)`;

/** The first text field (or label value) longer than its bound, named in full; undefined when all fit. */
export function textLengthError(record: Readonly<WireRunRecord>): string | undefined {
  for (const f of TEXT_FIELDS) {
    const v = record[f.name];
    if (typeof v === 'string' && v.length > f.max) return tooLong(f.name, f.max, v.length);
  }
  if (record.labels === undefined) return undefined;
  for (const [k, v] of Object.entries(record.labels)) {
    if (v.length > L.MAX_LABEL_VALUE_LENGTH) {
      return tooLong(`labels.${k}`, L.MAX_LABEL_VALUE_LENGTH, v.length);
    }
  }
  return undefined;
}
