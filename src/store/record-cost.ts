// What a stored record counts against max_store_bytes and against a response's budget:
// about its size as JSON (UTF-8 text of its strings, a fixed share for its numbers and
// each attempt). Both stores must agree, so the SQLite store computes the same figure in
// SQL from the columns it keeps (the labels column holds the same JSON text). The text
// fields are those of src/shared/record-fields.ts, each in a column of its own name. An
// estimate, not the heap: the memory store shares repeated strings, so it holds less.

import type { RunRecord } from '../shared/run-record.ts';
import { RECORD_FIELDS, type RecordField } from '../shared/record-fields.ts';

/** Numbers, status, keys and punctuation of one record. */
export const RECORD_BASE_COST = 256;
/** One attempt as the API writes it: {"duration_seconds":…,"exit_code":…,"success":…}. */
export const ATTEMPT_COST = 64;

/** The fields whose text counts: text fields, and labels as their JSON. */
type TextField = Extract<RecordField, { kind: 'text' | 'labels' }>;
const TEXT_FIELDS = RECORD_FIELDS.filter((f): f is TextField => f.kind === 'text' || f.kind === 'labels');

const utf8 = (v: unknown): number =>
  v === undefined ? 0 : Buffer.byteLength(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');

export function recordCost(r: RunRecord): number {
  let cost = RECORD_BASE_COST + ATTEMPT_COST * r.attempts.length;
  for (const f of TEXT_FIELDS) cost += utf8(r[f.name]);
  return cost;
}

/** recordCost over a row of the `runs` table (text cast to a blob: its UTF-8 bytes). */
export const COST_SQL = `(${[
  String(RECORD_BASE_COST),
  ...TEXT_FIELDS.map((f) => `ifnull(length(CAST(${f.name} AS BLOB)), 0)`),
  `${ATTEMPT_COST} * json_array_length(attempts)`,
].join(' + ')})`;
