// Stored runs in the API's shapes: the original daemon's JSON item (src/shared/api/runs.ts),
// NDJSON and CSV. The aggregates' shapes are src/http/wire/.
import type { StoredRun } from '../store/types.ts';
import type { ApiRun, ApiRunMetrics } from '../shared/api/runs.ts';
import { rfc3339 } from './wire/time.ts';

export type { ApiRun };

export function toApiRun(run: StoredRun): ApiRun {
  const r = run.record;
  const timestamp = rfc3339(r.timestampMs);
  const metrics: ApiRunMetrics = {
    command: r.command,
    command_hash: r.command_hash,
    final_status: r.final_status,
    total_duration_seconds: r.total_duration_seconds,
    total_attempts: r.total_attempts,
    successful_attempts: r.successful_attempts,
    failed_attempts: r.failed_attempts,
    attempts: r.attempts,
    timestamp,
  };
  if (r.strategy !== undefined) metrics.strategy = r.strategy;
  if (r.exit_code !== undefined) metrics.exit_code = r.exit_code;
  if (r.reason !== undefined) metrics.reason = r.reason;
  if (r.host !== undefined) metrics.host = r.host;
  if (r.labels !== undefined) metrics.labels = r.labels;
  return { id: run.id, timestamp, received_at: rfc3339(run.receivedAtMs), metrics };
}

export const CSV_HEADER =
  'id,timestamp,received_at,command,command_hash,final_status,total_duration_seconds,total_attempts,successful_attempts,failed_attempts,exit_code,strategy,reason,host,labels\r\n';

/** One RFC 4180 row. Text that a spreadsheet would run as a formula gets a leading '. */
export function toCsvRow(run: StoredRun): string {
  const r = run.record;
  return `${[
    String(run.id),
    rfc3339(r.timestampMs),
    rfc3339(run.receivedAtMs),
    csvText(r.command),
    csvText(r.command_hash),
    r.final_status,
    String(r.total_duration_seconds),
    String(r.total_attempts),
    String(r.successful_attempts),
    String(r.failed_attempts),
    r.exit_code === undefined ? '' : String(r.exit_code),
    csvText(r.strategy ?? ''),
    csvText(r.reason ?? ''),
    csvText(r.host ?? ''),
    r.labels === undefined ? '' : csvText(JSON.stringify(r.labels)),
  ].join(',')}\r\n`;
}

function csvText(value: string): string {
  let v = value;
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}
