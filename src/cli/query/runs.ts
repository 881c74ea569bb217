// `patience runs`: the daemon's recent runs as a table, JSON or NDJSON; with --follow,
// then every new run as it is stored, until Ctrl-C or the daemon closes the stream.
import type { RecentResult } from '../../shared/api/metrics.ts';
import type { ApiRun } from '../../shared/api/runs.ts';
import type { Query } from './daemon-client.ts';
import type { QueryContext } from './deps.ts';
import { DaemonError, notADaemon, QUERY_EXIT, streamEnded } from './errors.ts';
import type { RunsOptions } from './flags.ts';
import { formatClock, formatRelative } from './format.ts';
import { honoursLabels, matchesRun, type RunFilter } from './run-filter.ts';
import { FOLLOW_COLUMNS, RUN_COLUMNS, runRow } from './run-table.ts';
import { isApiRun, isRecentResult } from './shapes.ts';
import type { EventStream } from './event-stream.ts';
import type { SseEvent } from './sse.ts';
import { planTable, renderHeader, renderRow, renderTable } from './table.ts';
import { safeJson } from './terminal-text.ts';
import { rfc3339 } from './time-bound.ts';

export const RECENT_PATH = '/api/metrics/recent';
export const EVENTS_PATH = '/api/events';

/** Runs that arrive while the listing is fetched wait here; more than this and the oldest go. */
const MAX_PENDING = 10_000;

/** The query string of /api/metrics/recent for the filters; labels as repeated label=K=V. */
export function recentQuery(o: RunsOptions): Query {
  const q: Array<[string, string]> = [['limit', String(o.limit)]];
  if (o.command !== undefined) q.push(['command', o.command]);
  if (o.status !== undefined) q.push(['status', o.status]);
  if (o.sinceMs !== undefined) q.push(['since', rfc3339(o.sinceMs)]);
  if (o.untilMs !== undefined) q.push(['until', rfc3339(o.untilMs)]);
  for (const [k, v] of o.labels) q.push(['label', `${k}=${v}`]);
  return q;
}

export async function runsCommand(o: RunsOptions, ctx: QueryContext): Promise<number> {
  if (o.follow) return followRuns(o, ctx);
  const body = await fetchRecent(o, ctx);
  const out = ctx.deps.stdout;
  if (o.format === 'json') out.write(`${safeJson(body, 2)}\n`);
  else if (o.format === 'ndjson') out.write(body.metrics.map((r) => `${safeJson(r)}\n`).join(''));
  else if (body.metrics.length === 0) out.write('No matching runs.\n');
  else {
    const now = ctx.deps.now();
    const rows = body.metrics.map((r) => runRow(r, (ms) => formatRelative(ms, now)));
    out.write(`${renderTable(RUN_COLUMNS, rows, ctx.width, ctx.paint).join('\n')}\n`);
  }
  if (body.truncated)
    ctx.deps.stderr.write('patience: the daemon ended the list early (its 8 MiB budget); ask for fewer with --limit\n');
  return QUERY_EXIT.ok;
}

async function fetchRecent(o: RunsOptions, ctx: QueryContext): Promise<RecentResult> {
  const body = await ctx.client.json(RECENT_PATH, recentQuery(o), isRecentResult);
  // A daemon that does not know label= yet answers as if it had not been asked: say so
  // rather than list runs the user filtered out.
  if (!honoursLabels(body.metrics, o.labels)) {
    throw new DaemonError(
      `the daemon at ${ctx.client.daemon.shown} ignored the label filter of GET ${RECENT_PATH}: it is older than this patience; upgrade patienced`,
    );
  }
  return body;
}

/** Prints one run of --follow; the table's widths are fixed by the first rows. */
type RunPrinter = (run: ApiRun) => void;

function followPrinter(o: RunsOptions, ctx: QueryContext, initial: readonly ApiRun[]): RunPrinter {
  const out = ctx.deps.stdout;
  if (o.format !== 'table') {
    out.write(initial.map((r) => `${safeJson(r)}\n`).join(''));
    return (run) => out.write(`${safeJson(run)}\n`);
  }
  const clock = (ms: number): string => formatClock(ms, ctx.deps.now());
  const rows = initial.map((r) => runRow(r, clock));
  const plan = planTable(FOLLOW_COLUMNS, rows, ctx.width, { fill: true });
  const lines = [renderHeader(plan, FOLLOW_COLUMNS), ...rows.map((r) => renderRow(plan, r, ctx.paint))];
  out.write(`${lines.join('\n')}\n`);
  return (run) => out.write(`${renderRow(plan, runRow(run, clock), ctx.paint)}\n`);
}

function parseRun(e: SseEvent): ApiRun | undefined {
  try {
    const v: unknown = JSON.parse(e.data);
    return isApiRun(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * --follow. The stream is opened before the listing is fetched, so that a run stored in
 * between is not lost: it waits, and is printed after the listing unless the listing
 * already had it (ids increase in the order runs are stored).
 */
async function followRuns(o: RunsOptions, ctx: QueryContext): Promise<number> {
  const filter: RunFilter = { command: o.command, status: o.status, labels: o.labels, sinceMs: o.sinceMs };
  const shown = ctx.client.daemon.shown;
  let result: { code: number; message?: string } | undefined;
  let settle: () => void = () => {};
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const finish = (code: number, message?: string): void => {
    if (result) return;
    result = { code, message };
    settle();
  };
  const pending: ApiRun[] = [];
  let print: RunPrinter | undefined;
  let lastId = 0;
  const take = (run: ApiRun): void => {
    if (run.id <= lastId || !matchesRun(run, filter)) return;
    lastId = run.id;
    print?.(run);
  };
  const onEvent = (e: SseEvent): void => {
    if (e.type !== 'run' || result) return;
    const run = parseRun(e);
    if (run === undefined)
      return finish(QUERY_EXIT.daemon, notADaemon(shown, EVENTS_PATH, 'an event that is not a run').message);
    if (print) take(run);
    else if (pending.push(run) > MAX_PENDING) pending.shift();
  };
  const onEnd = (why: string): void => finish(QUERY_EXIT.daemon, streamEnded(shown, why).message);

  const uninstall = ctx.deps.onStop(() => finish(QUERY_EXIT.ok));
  // Ctrl-C must not wait for a slow daemon: each step races the end, and what it brings
  // after the end is dropped (a stream that opens late is closed at once).
  const stopped = settled.then(() => undefined);
  const connecting = ctx.client.events(EVENTS_PATH, { onEvent, onEnd });
  void connecting.then(
    (late) => void (result && late.close()),
    () => {},
  );
  let stream: EventStream | undefined;
  try {
    stream = await Promise.race([connecting, stopped]);
    const listing = stream && fetchRecent(o, ctx);
    listing?.catch(() => {});
    const body = listing && (await Promise.race([listing, stopped]));
    if (body && !result) {
      const initial = [...body.metrics].reverse();
      for (const run of initial) lastId = Math.max(lastId, run.id);
      print = followPrinter(o, ctx, initial);
      for (const run of pending.splice(0)) take(run);
    }
    await settled;
  } finally {
    uninstall();
    stream?.close();
  }
  const { code, message } = result ?? { code: QUERY_EXIT.ok };
  if (message !== undefined) ctx.deps.stderr.write(`patience: ${message}\n`);
  return code;
}
