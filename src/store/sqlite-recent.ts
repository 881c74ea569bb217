// The SQL of the SQLite store's recent(): the newest runs by id that pass the filters.
// A command filter is a substring, which no index serves; but the store knows every
// distinct command it holds and how many runs each has (its string pool), so it can name
// the matching commands and read their runs by the runs_command index instead. That is
// the cheaper way when few runs match: walking the table newest first reads about
// limit × total / matching rows before it has `limit` matches (all of them when nothing
// matches), the index reads every matching run's entry (and only those).

import { COST_SQL } from './record-cost.ts';
import type { RecentQuery } from './types.ts';

/** The commands that contain the filter, and how many stored runs they have together. */
export interface CommandMatch {
  commands: string[];
  runs: number;
}

/**
 * What an index entry costs against a row read and tested while walking the table (about
 * 0.15 against 0.4 µs, measured at a million rows); a guess of the walk's length that
 * assumes the matches are spread evenly is thereby given some slack.
 */
const WALK_ROW_COST = 3;

/** True when reading the matching commands' runs by index beats walking the table. */
export function byCommandIndex(match: CommandMatch, totalRuns: number, limit: number): boolean {
  if (match.runs === 0) return true;
  const walked = Math.min(totalRuns, (limit * totalRuns) / match.runs);
  return match.runs <= WALK_ROW_COST * walked;
}

export interface RecentSql {
  sql: string;
  /** The parameters before the limit, which comes last. */
  params: unknown[];
}

/**
 * The statement for q, newest first, each row with its cost. With `match` the command
 * filter is the list of matching commands, looked up in runs_command (which also holds
 * the run time and status that the other filters test); without it, instr() on each row.
 */
export function recentSql(q: RecentQuery, match?: CommandMatch): RecentSql {
  const where: string[] = [];
  const params: unknown[] = [];
  if (match !== undefined) {
    where.push('command IN (SELECT value FROM json_each(?))');
    params.push(JSON.stringify(match.commands));
  }
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
  if (q.command !== undefined && match === undefined) {
    // instr, not LIKE: a plain case-sensitive substring, as in the memory store.
    where.push('instr(command, ?) > 0');
    params.push(q.command);
  }
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const select = `SELECT *, ${COST_SQL} AS cost FROM runs`;
  if (match === undefined) return { sql: `${select} ${filter} ORDER BY id DESC LIMIT ?`, params };
  // The ids from the index alone (a sort of ids, keeping the newest `limit`), then those rows.
  const ids = `SELECT id FROM runs INDEXED BY runs_command ${filter} ORDER BY id DESC LIMIT ?`;
  return { sql: `${select} WHERE id IN (${ids}) ORDER BY id DESC`, params };
}
