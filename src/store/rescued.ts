// A rescued run succeeded after at least one failed attempt: retrying paid off. The one
// definition for every count of them (stats, the command table, /metrics), with the same
// rule in SQL over the `runs` table's columns for the SQLite store's summaries.

export function isRescued(succeeded: boolean, failedAttempts: number): boolean {
  return succeeded && failedAttempts > 0;
}

/** isRescued over a row of `runs` (`succeeded` is 0 or 1): 1 when rescued, else 0. */
export const RESCUED_SQL = '(succeeded = 1 AND failed_attempts > 0)';
