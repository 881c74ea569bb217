// The SQL of the SQLite store's recent(): the newest runs by id that pass the filters,
// each with its cost (record-cost.ts). A command filter is a substring, which no index
// serves: the store picks the ids from its run shadow (sqlite-shadow.ts) instead, and
// SQL only reads those rows.

import { COST_SQL } from './record-cost.ts';
import type { RecentQuery } from './types.ts';

const SELECT = `SELECT *, ${COST_SQL} AS cost FROM runs`;

/** The rows whose ids are in a JSON array, newest first. */
export const BY_IDS_SQL = `${SELECT} WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id DESC`;

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
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  return { sql: `${SELECT} ${filter} ORDER BY id DESC LIMIT ?`, params };
}
