// GET /api/metrics/*: the query parameters and the JSON bodies (README, "HTTP API").
import Type, { type Static } from 'typebox';
import { ApiRun } from './runs.ts';
import { MAX_LABEL_KEY_LENGTH, MAX_LABEL_VALUE_LENGTH } from '../record-limits.ts';

/** Strict RFC 3339 (the calendar day must exist; see src/shared/rfc3339.ts). */
export const TimeParam = (description: string) =>
  Type.String({ format: 'date-time', description, 'x-expect': 'an RFC 3339 time such as 2026-01-02T15:04:05Z' });
/** A positive integer; larger than `max` is capped, not refused. */
export const LimitParam = (dflt: number, max: number) =>
  Type.Integer({
    minimum: 1,
    default: dflt,
    description: `1..${max} (larger is capped), default ${dflt}`,
    'x-expect': 'a positive integer',
  });
const Rfc3339 = Type.String({ format: 'date-time' });

/** label= parameters one query may give: each is one more test of every run the query reads (docs/store.md). */
export const MAX_LABEL_FILTERS = 8;
/**
 * KEY=VALUE, split at the first "=" (a key has no "="; a value may have any, or be empty, as a
 * stored label's may). The schema counts code points; the handler checks the record's bounds
 * in UTF-16 code units (labelParams in src/http/params.ts).
 */
const LabelParam = Type.String({
  pattern: '^[^=]+=',
  maxLength: MAX_LABEL_KEY_LENGTH + 1 + MAX_LABEL_VALUE_LENGTH,
  description: `KEY=VALUE: a key of 1..${MAX_LABEL_KEY_LENGTH} characters without "=", a value of 0..${MAX_LABEL_VALUE_LENGTH}`,
  'x-expect': `KEY=VALUE with a key of 1..${MAX_LABEL_KEY_LENGTH} characters and a value of at most ${MAX_LABEL_VALUE_LENGTH}`,
});

/** command=: a case-sensitive substring of the stored (redacted) command; one rule for every route. */
const CommandParam = (description: string) =>
  Type.String({ maxLength: 4096, description, 'x-expect': 'at most 4096 characters' });

export const RecentQuery = Type.Object({
  limit: Type.Optional(LimitParam(10, 1000)),
  command: Type.Optional(CommandParam('a substring of the command')),
  status: Type.Optional(
    Type.Union([Type.Literal('succeeded'), Type.Literal('failed')], { 'x-expect': 'one of succeeded, failed' }),
  ),
  since: Type.Optional(TimeParam('runs at or after this time')),
  until: Type.Optional(TimeParam('runs at or before this time')),
  // One given alone is a string; the validator's conversion makes it a list of one.
  label: Type.Optional(
    Type.Array(LabelParam, {
      maxItems: MAX_LABEL_FILTERS,
      description: `runs whose labels have KEY with exactly VALUE; repeat it (at most ${MAX_LABEL_FILTERS}) and every one must match`,
    }),
  ),
});
export type RecentQuery = Static<typeof RecentQuery>;

export const RecentResult = Type.Object({
  metrics: Type.Array(ApiRun, { description: 'newest first' }),
  count: Type.Integer({ minimum: 0 }),
  truncated: Type.Boolean({ description: 'the 8 MiB budget ended the list before limit' }),
});
/** Static<> of a list-built schema is loose: the item is the written-out ApiRun. */
export type RecentResult = Omit<Static<typeof RecentResult>, 'metrics'> & { metrics: ApiRun[] };

export const RangeQuery = Type.Object({
  start: Type.Optional(TimeParam('default: 24 h before end')),
  end: Type.Optional(TimeParam('default: now, or 24 h after a future start')),
});
export type RangeQuery = Static<typeof RangeQuery>;

/** /stats: every figure covers only the runs whose command contains `command`, when given. */
export const StatsQuery = Type.Object({
  start: Type.Optional(TimeParam('default: 24 h before end')),
  end: Type.Optional(TimeParam('default: now, or 24 h after a future start')),
  command: Type.Optional(CommandParam('only runs whose command contains this (case-sensitive)')),
});
export type StatsQuery = Static<typeof StatsQuery>;

export const CommandsQuery = Type.Object({
  start: Type.Optional(TimeParam('default: 24 h before end')),
  end: Type.Optional(TimeParam('default: now, or 24 h after a future start')),
  limit: Type.Optional(LimitParam(20, 100)),
  command: Type.Optional(CommandParam('only commands that contain this (case-sensitive)')),
});
export type CommandsQuery = Static<typeof CommandsQuery>;

const TimeRange = Type.Object({ start: Rfc3339, end: Rfc3339 });
const Percentiles = Type.Object({ p50: Type.Number(), p90: Type.Number(), p99: Type.Number(), max: Type.Number() });

export const CommandSummary = Type.Object({
  command: Type.String(),
  count: Type.Integer(),
  success_rate: Type.Number(),
  avg_duration: Type.Integer({ description: 'nanoseconds' }),
});

export const HourSummary = Type.Object({
  hour: Rfc3339,
  total_runs: Type.Integer(),
  success_rate: Type.Number(),
});

export const StatsResult = Type.Object({
  time_range: TimeRange,
  total_runs: Type.Integer(),
  successful_runs: Type.Integer(),
  failed_runs: Type.Integer(),
  success_rate: Type.Number({ description: '0..1' }),
  average_attempts: Type.Number(),
  average_duration: Type.Integer({ description: 'nanoseconds' }),
  average_duration_seconds: Type.Number(),
  duration_seconds: Percentiles,
  rescued_runs: Type.Integer(),
  total_attempts: Type.Integer(),
  top_commands: Type.Array(CommandSummary),
  hourly_breakdown: Type.Array(HourSummary),
});
export type StatsResult = Static<typeof StatsResult>;

export const CommandDetail = Type.Object({
  command: Type.String(),
  count: Type.Integer(),
  successful_runs: Type.Integer(),
  failed_runs: Type.Integer(),
  success_rate: Type.Number(),
  rescued_runs: Type.Integer(),
  average_attempts: Type.Number(),
  average_duration_seconds: Type.Number(),
  duration_seconds: Percentiles,
  last_run: Rfc3339,
});
export type CommandDetail = Static<typeof CommandDetail>;

export const CommandsResult = Type.Object({
  time_range: TimeRange,
  commands: Type.Array(CommandDetail, { description: 'the busiest first' }),
});
export type CommandsResult = Static<typeof CommandsResult>;

export const ExportQuery = Type.Object({
  format: Type.Optional(
    Type.Union([Type.Literal('json'), Type.Literal('ndjson'), Type.Literal('csv')], {
      default: 'json',
      'x-expect': 'one of json, ndjson, csv',
    }),
  ),
});
export type ExportQuery = Static<typeof ExportQuery>;
