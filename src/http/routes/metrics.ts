// /api/metrics/*: recent runs, aggregated stats, and the streamed export.
import Type from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.ts';
import type { StoredRun } from '../../store/types.ts';
import {
  CommandsQuery,
  CommandsResult,
  ExportQuery,
  RangeQuery,
  RecentQuery,
  RecentResult,
  StatsQuery,
  StatsResult,
} from '../../shared/api/metrics.ts';
import { BadRequest, labelParams, timeParam } from '../params.ts';
import { toApiRun } from '../serialize.ts';
import { exportStream } from '../export-stream.ts';
import { toApiCommands, toApiStats } from '../wire/stats.ts';
import { COMMON_ERRORS, errorResponses } from '../errors.ts';
import { ApiRun } from '../../shared/api/runs.ts';
import { Streamed } from '../streamed.ts';

const DAY_MS = 86_400_000;
/**
 * The budget of one /api/metrics/recent answer, in record costs (about JSON bytes,
 * record-cost.ts): 1000 records of the largest kind would be ~300 MB. The list ends
 * early, with `truncated: true`, rather than build that (docs/record-limits.md).
 */
export const RECENT_MAX_BYTES = 8 * 1_048_576;

/** What a query of the store may answer besides its 200. */
const ERRORS = errorResponses('bad_parameter', 'storage_unavailable', ...COMMON_ERRORS);

const EXPORT_TYPES = { json: 'application/json', ndjson: 'application/x-ndjson', csv: 'text/csv; charset=utf-8' };

// Long because each route of the group carries its schema; one plugin for the group.
export function metricsRoutes(deps: AppDeps): FastifyPluginCallbackTypebox {
  return (app, _opts, done) => {
    app.get(
      '/api/metrics/recent',
      {
        schema: {
          summary: 'stored runs, newest first',
          querystring: RecentQuery,
          response: { 200: RecentResult, ...ERRORS },
        },
      },
      async (req) => {
        const q = req.query;
        const { runs, truncated } = deps.store.recent({
          limit: Math.min(q.limit ?? 10, 1000),
          command: q.command,
          status: q.status,
          sinceMs: timeParam('since', q.since),
          untilMs: timeParam('until', q.until),
          labels: labelParams('label', q.label),
          maxBytes: RECENT_MAX_BYTES,
        });
        return { metrics: runs.map(toApiRun), count: runs.length, truncated };
      },
    );

    app.get(
      '/api/metrics/stats',
      {
        schema: {
          summary: 'aggregates over a time range',
          querystring: StatsQuery,
          response: { 200: StatsResult, ...ERRORS },
        },
      },
      async (req) => {
        const { start, end } = range(req.query, deps.now());
        return toApiStats(deps.store.stats(start, end, { command: req.query.command }));
      },
    );

    // The dashboard's command table: stats' top_commands plus exact percentiles per command.
    app.get(
      '/api/metrics/commands',
      {
        schema: {
          summary: 'the busiest commands of a time range, with exact percentiles',
          querystring: CommandsQuery,
          response: { 200: CommandsResult, ...ERRORS },
        },
      },
      async (req) => {
        const { start, end } = range(req.query, deps.now());
        const limit = Math.min(req.query.limit ?? 20, 100);
        return toApiCommands(deps.store.commands(start, end, limit, { command: req.query.command }));
      },
    );

    app.get(
      '/api/metrics/export',
      {
        schema: {
          summary: 'every stored record, streamed as an attachment',
          querystring: ExportQuery,
          response: {
            200: {
              description: 'a JSON array of /recent items, one item per line (NDJSON), or CSV',
              content: {
                [EXPORT_TYPES.json]: { schema: Streamed(Type.Array(ApiRun)) },
                [EXPORT_TYPES.ndjson]: { schema: Streamed(Type.String({ description: 'one item of /recent a line' })) },
                [EXPORT_TYPES.csv]: { schema: Streamed(Type.String({ description: 'RFC 4180, a header row first' })) },
              },
            },
            ...ERRORS,
          },
        },
      },
      async (req, reply) => {
        const format = req.query.format ?? 'json';
        const date = new Date(deps.now()).toISOString().slice(0, 10);
        // The first page is read before the headers go out, so that a storage fault is a 503
        // (see app.ts) rather than a 200 cut short.
        const runs = deps.store.iterate();
        const first = runs.next();
        void reply
          .header('Content-Type', EXPORT_TYPES[format])
          .header('Content-Disposition', `attachment; filename=retry-metrics-${date}.${format}`);
        const onFault = (err: unknown): void => deps.health.fail('reads', err);
        return reply.send(exportStream(startingWith(first, runs), format, onFault));
      },
    );

    done();
  };
}

/** start= and end= (RFC 3339); by default the 24 h before now, or after a future start. */
function range(q: RangeQuery, nowMs: number): { start: number; end: number } {
  let start = timeParam('start', q.start);
  let end = timeParam('end', q.end);
  end ??= start !== undefined && start > nowMs ? start + DAY_MS : nowMs;
  start ??= end - DAY_MS;
  if (start > end) throw new BadRequest('start', 'must not be after end');
  return { start, end };
}

/** The iterator again, with its first step already taken. */
function* startingWith<T>(first: IteratorResult<T>, rest: Iterator<T>): Generator<T> {
  for (let r = first; !r.done; r = rest.next()) yield r.value;
}
