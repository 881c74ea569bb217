// The daemon's answers as patience reads them: network input is `unknown` until these
// checks pass. They check what patience prints and relies on, not every field, so that a
// newer daemon adding a field is still read; anything else means that the server is not
// a patienced daemon. The types are the API's own (src/shared/api), imported as types only.
import type { CommandDetail, CommandsResult, RecentResult, StatsResult } from '../../shared/api/metrics.ts';
import type { ApiRun } from '../../shared/api/runs.ts';
import type { ApiError } from '../../shared/api/errors.ts';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: unknown): v is number => Number.isSafeInteger(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const optional = (v: unknown, check: (x: unknown) => boolean): boolean => v === undefined || check(v);
const isLabels = (v: unknown): boolean => isObj(v) && Object.values(v).every(isStr);

/** An item of /api/metrics/recent and the data of an /api/events `run` event. */
export function isApiRun(v: unknown): v is ApiRun {
  if (!isObj(v) || !isInt(v.id) || !isStr(v.timestamp) || !isStr(v.received_at) || !isObj(v.metrics)) return false;
  const m = v.metrics;
  return (
    isStr(m.command) &&
    (m.final_status === 'succeeded' || m.final_status === 'failed') &&
    isNum(m.total_duration_seconds) &&
    isInt(m.total_attempts) &&
    Array.isArray(m.attempts) &&
    optional(m.strategy, isStr) &&
    optional(m.exit_code, isInt) &&
    optional(m.labels, isLabels) &&
    !Number.isNaN(Date.parse(v.timestamp))
  );
}

export function isRecentResult(v: unknown): v is RecentResult {
  return isObj(v) && Array.isArray(v.metrics) && v.metrics.every(isApiRun) && isInt(v.count) && isBool(v.truncated);
}

const isTimeRange = (v: unknown): boolean => isObj(v) && isStr(v.start) && isStr(v.end);
const isPercentiles = (v: unknown): boolean => isObj(v) && isNum(v.p50) && isNum(v.p90) && isNum(v.p99);
const isTopCommand = (v: unknown): boolean => isObj(v) && isStr(v.command) && isInt(v.count);

export function isStatsResult(v: unknown): v is StatsResult {
  return (
    isObj(v) &&
    isTimeRange(v.time_range) &&
    isInt(v.total_runs) &&
    isInt(v.successful_runs) &&
    isInt(v.failed_runs) &&
    isNum(v.success_rate) &&
    isNum(v.average_attempts) &&
    isInt(v.total_attempts) &&
    isInt(v.rescued_runs) &&
    isPercentiles(v.duration_seconds) &&
    Array.isArray(v.top_commands) &&
    v.top_commands.every(isTopCommand)
  );
}

function isCommandDetail(v: unknown): v is CommandDetail {
  return (
    isObj(v) &&
    isStr(v.command) &&
    isInt(v.count) &&
    isNum(v.success_rate) &&
    isPercentiles(v.duration_seconds) &&
    isStr(v.last_run)
  );
}

export function isCommandsResult(v: unknown): v is CommandsResult {
  return isObj(v) && isTimeRange(v.time_range) && Array.isArray(v.commands) && v.commands.every(isCommandDetail);
}

/** The body of every error answer: {error, code, field?}. */
export function isApiError(v: unknown): v is ApiError {
  return isObj(v) && isStr(v.error) && isStr(v.code) && optional(v.field, isStr);
}
