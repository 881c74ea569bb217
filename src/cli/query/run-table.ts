// A run as a row of the `patience runs` table. Every text from the daemon is cleaned of
// control characters first: a command is whatever a client sent.
import type { ApiRun } from '../../shared/api/runs.ts';
import { formatSeconds } from './format.ts';
import type { CellInput, ColumnSpec } from './table.ts';
import { cleanText } from './terminal-text.ts';

/** The columns, most useful first; `drop` says which go first on a narrow terminal. */
export const RUN_COLUMNS: readonly ColumnSpec[] = [
  { header: 'STATUS' },
  { header: 'COMMAND', flex: true, minWidth: 20 },
  { header: 'ATTEMPTS', align: 'right', drop: 4 },
  { header: 'DURATION', align: 'right', drop: 3 },
  { header: 'STRATEGY', drop: 6 },
  { header: 'EXIT', align: 'right', drop: 5 },
  { header: 'WHEN', align: 'right', drop: 2 },
];

/**
 * --follow's columns: the widths are fixed before the live rows arrive, so the columns
 * whose values vary get room for what they usually hold (the longest strategy name, a
 * time of day); anything longer is cut with an ellipsis.
 */
export const FOLLOW_COLUMNS: readonly ColumnSpec[] = RUN_COLUMNS.map((c) => {
  if (c.header === 'STRATEGY') return { ...c, minWidth: 'decorrelated-jitter'.length };
  if (c.header === 'WHEN') return { ...c, minWidth: '14:05:09'.length };
  return c;
});

/** The cells of one run; `when` writes its time (relative, or on the clock for --follow). */
export function runRow(run: ApiRun, when: (ms: number) => string): CellInput[] {
  const m = run.metrics;
  const ok = m.final_status === 'succeeded';
  return [
    { text: ok ? 'ok' : 'FAILED', color: ok ? 'green' : 'red' },
    cleanText(m.command),
    String(m.total_attempts),
    formatSeconds(m.total_duration_seconds),
    m.strategy === undefined ? '-' : cleanText(m.strategy),
    m.exit_code === undefined ? '-' : String(m.exit_code),
    when(Date.parse(run.timestamp)),
  ];
}
