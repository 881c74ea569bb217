// A stored run as the API shows it: an item of /api/metrics/recent, of the JSON and NDJSON
// export, and the data of an /api/events `run` event. `metrics` is the run record as stored
// (derived from the socket's schema in src/shared/run-record.ts) with its time in RFC 3339.
import Type, { type Static } from 'typebox';
import { WireRunRecord } from '../run-record.ts';

const Rfc3339 = Type.String({ format: 'date-time' });
const Count = Type.Integer({ minimum: 0 });

const field = WireRunRecord.properties;

/**
 * The record's fields (their schemas are the socket's), in the order the API has always
 * written them, with the counts always present, the command hash always set, the time as
 * text, and labels as a free-form map: stored keys have been redacted and need not match
 * the key pattern any more (a response schema drops what it does not list).
 */
export const ApiRunMetrics = Type.Object({
  command: field.command,
  command_hash: Type.String(),
  final_status: field.final_status,
  total_duration_seconds: field.total_duration_seconds,
  total_attempts: Count,
  successful_attempts: Count,
  failed_attempts: Count,
  attempts: field.attempts,
  timestamp: Rfc3339,
  strategy: field.strategy,
  exit_code: field.exit_code,
  reason: field.reason,
  host: field.host,
  labels: Type.Optional(Type.Record(Type.String(), Type.String())),
});
export type ApiRunMetrics = Static<typeof ApiRunMetrics>;

export const ApiRun = Type.Object({
  id: Type.Integer({ minimum: 1, description: 'assigned by the daemon, increasing in arrival order' }),
  timestamp: Rfc3339,
  received_at: Rfc3339,
  metrics: ApiRunMetrics,
});
export type ApiRun = Static<typeof ApiRun>;
