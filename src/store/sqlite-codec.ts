// Run records to and from rows of the `runs` table. Attempts are one JSON text of
// [duration, exit code, 0|1] triples: a third of the size of the wire objects, and
// still readable with the sqlite3 shell. Each optional field of record-fields.ts has a
// nullable column of its own name (labels as JSON text).

import type { Attempt, RunRecord } from '../shared/run-record.ts';
import { EXTRA_FIELDS, extraOf, setExtra, type FieldKind } from '../shared/record-fields.ts';
import type { AggRow } from './agg-input.ts';
import { MAX_ATTEMPTS, MAX_DURATION_SECONDS } from '../shared/record-limits.ts';
import type { StoredRun } from './types.ts';

/** The SQLite type of an optional field's column, by kind. */
export const EXTRA_COLUMN_TYPES: Partial<Record<FieldKind, string>> = {
  text: 'TEXT',
  int: 'INTEGER',
  number: 'REAL',
  labels: 'TEXT',
};

export const INSERT_COLUMNS = [
  'ts_ms, received_ms, command, command_hash, succeeded, duration_s, total_attempts',
  'successful_attempts, failed_attempts, attempts',
  ...EXTRA_FIELDS.map((f) => f.name),
].join(', ');

/**
 * A data file written before the record limits may hold runs of 1e300 attempts or
 * 1.7e308 seconds. The aggregates read them clamped into today's ranges, so that sums
 * stay finite and can be taken back exactly; recent() and the export still show them.
 */
export const DURATION_SQL = `min(max(duration_s, 0), ${MAX_DURATION_SECONDS})`;
export const ATTEMPTS_SQL = `min(max(total_attempts, 0), ${MAX_ATTEMPTS})`;
export const FAILED_SQL = `min(max(failed_attempts, 0), ${MAX_ATTEMPTS})`;

/** Columns in the order aggRowOfRaw reads them; select them in raw mode. */
export const AGG_COLUMNS = `ts_ms, command, succeeded, ${FAILED_SQL}, ${ATTEMPTS_SQL}, ${DURATION_SQL}`;
export type RawAggRow = [number, string, number, number, number, number];

export interface RunRow {
  id: number;
  ts_ms: number;
  received_ms: number;
  command: string;
  command_hash: string;
  succeeded: number;
  duration_s: number;
  total_attempts: number;
  successful_attempts: number;
  failed_attempts: number;
  attempts: string;
  /** The optional fields' columns, by field name; NULL when absent. */
  [extra: string]: string | number | null;
}

type AttemptTriple = [number, number, number];

export function insertParams(r: RunRecord, receivedAtMs: number): unknown[] {
  const attempts: AttemptTriple[] = r.attempts.map((a) => [a.duration_seconds, a.exit_code, a.success ? 1 : 0]);
  return [
    r.timestampMs,
    receivedAtMs,
    r.command,
    r.command_hash,
    r.final_status === 'succeeded' ? 1 : 0,
    r.total_duration_seconds,
    r.total_attempts,
    r.successful_attempts,
    r.failed_attempts,
    JSON.stringify(attempts),
    ...EXTRA_FIELDS.map((f) => {
      const v = extraOf(r, f.name);
      return v === undefined ? null : f.kind === 'labels' ? JSON.stringify(v) : v;
    }),
  ];
}

export function storedRunOf(row: RunRow): StoredRun {
  const triples = JSON.parse(row.attempts) as AttemptTriple[];
  const attempts: Attempt[] = triples.map(([duration_seconds, exit_code, ok]) => ({
    duration_seconds,
    exit_code,
    success: ok === 1,
  }));
  const record: RunRecord = {
    command: row.command,
    command_hash: row.command_hash,
    final_status: row.succeeded === 1 ? 'succeeded' : 'failed',
    total_duration_seconds: row.duration_s,
    total_attempts: row.total_attempts,
    successful_attempts: row.successful_attempts,
    failed_attempts: row.failed_attempts,
    attempts,
    timestampMs: row.ts_ms,
  };
  for (const f of EXTRA_FIELDS) {
    const v = row[f.name];
    if (v === null || v === undefined) continue;
    setExtra(record, f.name, f.kind === 'labels' ? (JSON.parse(String(v)) as Record<string, string>) : v);
  }
  return { id: row.id, receivedAtMs: row.received_ms, record };
}

export function aggRowOfRaw(raw: RawAggRow): AggRow {
  return {
    timestampMs: raw[0],
    command: raw[1],
    succeeded: raw[2] === 1,
    failedAttempts: raw[3],
    totalAttempts: raw[4],
    durationSeconds: raw[5],
  };
}
