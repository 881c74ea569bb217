// A stored run as the API shows it: an item of /api/metrics/recent, of the JSON and NDJSON
// export, and the data of an /api/events `run` event. `metrics` is the run record as stored,
// one property per field of src/shared/record-fields.ts, in that order, with its time in
// RFC 3339.
import Type, { type TSchema } from 'typebox';
import { schemaOf, type RunRecord } from '../run-record.ts';
import { RECORD_FIELDS, type RecordField } from '../record-fields.ts';

const Rfc3339 = Type.String({ format: 'date-time' });

/**
 * A field as the API writes it: the socket's schema, except that the counts and the
 * command hash are always present (derived on ingest), the time is RFC 3339 text, and
 * labels are a free-form map (stored keys have been redacted and need not match the key
 * pattern any more).
 */
function apiSchemaOf(f: RecordField): TSchema {
  if (f.kind === 'timestamp') return Rfc3339;
  if (f.kind === 'labels') return Type.Optional(Type.Record(Type.String(), Type.String()));
  if (f.name === 'command_hash') return Type.String();
  if (f.kind === 'int' && f.core) return Type.Integer({ minimum: 0 });
  return f.optional ? Type.Optional(schemaOf(f)) : schemaOf(f);
}

export const ApiRunMetrics = Type.Object(Object.fromEntries(RECORD_FIELDS.map((f) => [f.name, apiSchemaOf(f)])));

/** The schema above as a type (TypeBox cannot infer one built from the list): the stored record, its time as text. */
export type ApiRunMetrics = Omit<RunRecord, 'timestampMs'> & { timestamp: string };

export const ApiRun = Type.Object({
  id: Type.Integer({ minimum: 1, description: 'assigned by the daemon, increasing in arrival order' }),
  timestamp: Rfc3339,
  received_at: Rfc3339,
  metrics: ApiRunMetrics,
});
export type ApiRun = {
  id: number;
  timestamp: string;
  received_at: string;
  metrics: ApiRunMetrics;
};
