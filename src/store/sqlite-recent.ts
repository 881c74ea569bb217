// The SQL of the SQLite store's recent(): the newest runs by id that pass the filters,
// each with its cost (record-cost.ts). A command filter is a substring, which no index
// serves: the store picks the ids from its run shadow (sqlite-shadow.ts) instead, and
// SQL only reads those rows. Labels are in no index and not in the shadow (a label set
// per run, a build id say, would hold every set in JS): they are tested in SQL.

import { COST_SQL } from './record-cost.ts';
import type { LabelMatch, RecentQuery } from './types.ts';

const SELECT = `SELECT *, ${COST_SQL} AS cost FROM runs`;

/** The rows whose ids are in a JSON array, newest first. */
export const BY_IDS_SQL = `${SELECT} WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id DESC`;

/**
 * One label filter, with its key and value as parameters (labelSqlParams). json_each, not
 * json_extract: a key never becomes part of a JSON path, so `a.b`, `"x"` or `$` are keys
 * like any other, and no key can rewrite the query. A string value only, as the memory
 * store's `===`. At a million rows a filter that matches nothing costs ~250 ms, against
 * ~175 ms for SQLite to read the rows at all and ~2 s to test them in JS.
 */
const LABEL_SQL = "EXISTS (SELECT 1 FROM json_each(runs.labels) WHERE key = ? AND type = 'text' AND value = ?)";

/** The conditions of `count` label filters, or none. */
function labelConditions(count: number): string[] {
  return Array.from({ length: count }, () => LABEL_SQL);
}

/** The parameters of the label filters' conditions, in their order. */
export function labelSqlParams(labels: readonly LabelMatch[]): string[] {
  return labels.flatMap(({ key, value }) => [key, value]);
}

/**
 * The ids of the runs that pass `count` label filters, newest first: of the ids in a JSON
 * array (`ids`), or of every run with an id from the first parameter to the second (`span`).
 */
export function labelledIdsSql(count: number, among: 'ids' | 'span'): string {
  const which = among === 'ids' ? 'id IN (SELECT value FROM json_each(?))' : 'id BETWEEN ? AND ?';
  const where = [which, ...labelConditions(count)].join(' AND ');
  return `SELECT id FROM runs WHERE ${where} ORDER BY id DESC`;
}

export interface RecentSql {
  sql: string;
  /** The parameters before the limit, which comes last. */
  params: unknown[];
}

/** The statement for q without its command filter, newest first. */
export function recentSql(q: Omit<RecentQuery, 'command'>): RecentSql {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.status !== undefined) {
    where.push('succeeded = ?');
    params.push(q.status === 'succeeded' ? 1 : 0);
  }
  if (q.sinceMs !== undefined) {
    where.push('ts_ms >= ?');
    params.push(q.sinceMs);
  }
  if (q.untilMs !== undefined) {
    where.push('ts_ms <= ?');
    params.push(q.untilMs);
  }
  const labels = q.labels ?? [];
  where.push(...labelConditions(labels.length));
  params.push(...labelSqlParams(labels));
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  return { sql: `${SELECT} ${filter} ORDER BY id DESC LIMIT ?`, params };
}
