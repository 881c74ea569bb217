// `patience stats`: the summary of a time range (/api/metrics/stats) and its busiest
// commands (/api/metrics/commands), fitted to the terminal; --json prints /stats as is.
import type { CommandsResult, StatsResult } from '../../shared/api/metrics.ts';
import type { Query } from './daemon-client.ts';
import type { QueryContext } from './deps.ts';
import { DaemonError, QUERY_EXIT } from './errors.ts';
import type { StatsOptions } from './flags.ts';
import { formatPercent, formatSeconds, localMinute } from './format.ts';
import { honoursCommand } from './run-filter.ts';
import { isCommandsResult, isStatsResult } from './shapes.ts';
import { renderTable, type CellInput, type ColumnSpec } from './table.ts';
import { cleanText, safeJson, truncate } from './terminal-text.ts';
import { rfc3339 } from './time-bound.ts';

export const STATS_PATH = '/api/metrics/stats';
export const COMMANDS_PATH = '/api/metrics/commands';

const COMMAND_COLUMNS: readonly ColumnSpec[] = [
  { header: 'COMMAND', flex: true, minWidth: 20 },
  { header: 'RUNS', align: 'right' },
  { header: 'SUCCESS', align: 'right', drop: 1 },
  { header: 'P90', align: 'right', drop: 2 },
];

/** start=, end= and (with --command) command=: the same for /stats and /commands. */
export function rangeQuery(o: StatsOptions): Array<[string, string]> {
  const q: Array<[string, string]> = [
    ['start', rfc3339(o.sinceMs)],
    ['end', rfc3339(o.untilMs)],
  ];
  if (o.command !== undefined) q.push(['command', o.command]);
  return q;
}

export async function statsCommand(o: StatsOptions, ctx: QueryContext): Promise<number> {
  const range = rangeQuery(o);
  if (o.json) {
    const stats = await fetchChecked(ctx, STATS_PATH, range, isStatsResult, o.command, topCommandsOf);
    ctx.deps.stdout.write(`${safeJson(stats, 2)}\n`);
    return QUERY_EXIT.ok;
  }
  const [stats, commands] = await Promise.all([
    fetchChecked(ctx, STATS_PATH, range, isStatsResult, o.command, topCommandsOf),
    fetchChecked(ctx, COMMANDS_PATH, [...range, ['limit', String(o.limit)]], isCommandsResult, o.command, (c) =>
      c.commands.map((x) => x.command),
    ),
  ]);
  const lines = [...summaryLines(o, stats), ...commandLines(commands, ctx)];
  ctx.deps.stdout.write(lines.map((l) => truncate(l, ctx.width)).join('\n') + '\n');
  return QUERY_EXIT.ok;
}

const topCommandsOf = (s: StatsResult): string[] => s.top_commands.map((c) => c.command);

/**
 * An answer, checked against --command: a daemon that does not know command= yet answers
 * for every command, and that must not be shown as the figures of the few asked for.
 */
async function fetchChecked<T>(
  ctx: QueryContext,
  path: string,
  query: Query,
  check: (v: unknown) => v is T,
  command: string | undefined,
  commandsOf: (answer: T) => string[],
): Promise<T> {
  const answer = await ctx.client.json(path, query, check);
  if (!honoursCommand(commandsOf(answer), command)) {
    throw new DaemonError(
      `the daemon at ${ctx.client.daemon.shown} ignored the command filter of GET ${path}: it is older than this patience; upgrade patienced`,
    );
  }
  return answer;
}

function summaryLines(o: StatsOptions, s: StatsResult): string[] {
  const from = localMinute(Date.parse(s.time_range.start));
  const to = localMinute(Date.parse(s.time_range.end));
  const which =
    o.command === undefined ? 'Runs' : `Runs of commands containing ${JSON.stringify(cleanText(o.command))}`;
  const title =
    o.lastWindow === undefined
      ? `${which} from ${from} to ${to}`
      : `${which} in the last ${o.lastWindow} (${from} to ${to})`;
  if (s.total_runs === 0) return [title, '  no runs'];
  const p = s.duration_seconds;
  const rows: Array<[string, string]> = [
    ['runs', String(s.total_runs)],
    ['success rate', `${formatPercent(s.success_rate)} (${s.successful_runs} succeeded, ${s.failed_runs} failed)`],
    ['attempts', `${s.total_attempts} (${trimmed(s.average_attempts)} a run)`],
    ['rescued runs', `${s.rescued_runs} (succeeded after a failed attempt)`],
    ['duration', `p50 ${formatSeconds(p.p50)}  p90 ${formatSeconds(p.p90)}  p99 ${formatSeconds(p.p99)}`],
  ];
  return [title, ...rows.map(([k, v]) => `  ${k.padEnd(12)}  ${v}`)];
}

const trimmed = (n: number): string => String(Number(n.toFixed(2)));

function commandLines(c: CommandsResult, ctx: QueryContext): string[] {
  if (c.commands.length === 0) return [];
  const rows: CellInput[][] = c.commands.map((x) => [
    cleanText(x.command),
    String(x.count),
    formatPercent(x.success_rate),
    formatSeconds(x.duration_seconds.p90),
  ]);
  return ['', 'Busiest commands', ...renderTable(COMMAND_COLUMNS, rows, ctx.width, ctx.paint)];
}
