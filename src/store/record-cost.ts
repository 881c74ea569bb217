// What a stored record counts against max_store_bytes and against a response's budget:
// about its size as JSON (UTF-8 text of its strings, a fixed share for its numbers and
// each attempt). Both stores must agree, so the SQLite store computes the same figure in
// SQL from the columns it keeps (the labels column holds the same JSON text). An
// estimate, not the heap: the memory store shares repeated strings, so it holds less.

import type { RunRecord } from '../shared/run-record.ts';

/** Numbers, status, keys and punctuation of one record. */
export const RECORD_BASE_COST = 256;
/** One attempt as the API writes it: {"duration_seconds":…,"exit_code":…,"success":…}. */
export const ATTEMPT_COST = 64;

const utf8 = (s: string | undefined): number => (s === undefined ? 0 : Buffer.byteLength(s, 'utf8'));

export function recordCost(r: RunRecord): number {
  return (
    RECORD_BASE_COST +
    utf8(r.command) +
    utf8(r.command_hash) +
    utf8(r.strategy) +
    utf8(r.reason) +
    utf8(r.host) +
    utf8(r.labels === undefined ? undefined : JSON.stringify(r.labels)) +
    ATTEMPT_COST * r.attempts.length
  );
}

/** recordCost over a row of the `runs` table (text cast to a blob: its UTF-8 bytes). */
export const COST_SQL =
  `(${RECORD_BASE_COST} + length(CAST(command AS BLOB)) + length(CAST(command_hash AS BLOB))` +
  ' + ifnull(length(CAST(strategy AS BLOB)), 0) + ifnull(length(CAST(reason AS BLOB)), 0)' +
  ' + ifnull(length(CAST(host AS BLOB)), 0) + ifnull(length(CAST(labels AS BLOB)), 0)' +
  ` + ${ATTEMPT_COST} * json_array_length(attempts))`;
