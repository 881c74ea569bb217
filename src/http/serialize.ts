// Stored runs in the API's shapes: the original daemon's JSON item (src/shared/api/runs.ts),
// NDJSON and CSV. The aggregates' shapes are src/http/wire/.
import { RECORD_FIELDS, type RecordField } from '../shared/record-fields.ts';
import type { StoredRun } from '../store/types.ts';
import type { RunRecord } from '../shared/run-record.ts';
import type { ApiRun, ApiRunMetrics } from '../shared/api/runs.ts';
import { rfc3339 } from './wire/time.ts';

export type { ApiRun };

/** A field the record keeps under its wire name (the time it keeps as timestampMs). */
type KeptField = Exclude<RecordField['name'], 'timestamp'>;

function valueOf(run: StoredRun, name: KeptField): RunRecord[KeptField] {
  return run.record[name];
}

/** The record's fields in list order, absent optional ones left out, the time as RFC 3339. */
export function toApiRun(run: StoredRun): ApiRun {
  const timestamp = rfc3339(run.record.timestampMs);
  const metrics: Partial<Record<RecordField['name'], unknown>> = {};
  for (const f of RECORD_FIELDS) {
    const value = f.kind === 'timestamp' ? timestamp : valueOf(run, f.name);
    if (value !== undefined) metrics[f.name] = value;
  }
  // Every required field was set above: the list is the schema's.
  return { id: run.id, timestamp, received_at: rfc3339(run.receivedAtMs), metrics: metrics as ApiRunMetrics };
}

type Cell = (run: StoredRun) => string;

/**
 * A number as String(n) writes it, without String(n): V8 keeps every number it turns into a
 * string that way in a cache that lives in the old generation, so a million distinct ids
 * and durations each outlived two young collections and were promoted (about 170 KB per
 * collection, 20+ MB of old-generation garbage per export of a million rows). JSON writes
 * a finite number the same way and caches nothing.
 */
function numberText(n: number): string {
  return Number.isFinite(n) ? JSON.stringify(n) : String(n);
}

interface CsvColumn {
  name: string;
  position: number;
  cell: Cell;
}

/** One CSV cell per field, by kind: an absent optional field is an empty cell. */
function cellOf(f: RecordField): Cell {
  const name = f.name;
  switch (f.kind) {
    case 'timestamp':
      return (run) => rfc3339(run.record.timestampMs);
    case 'text':
    case 'status':
      return (run) => csvText((valueOf(run, f.name) as string | undefined) ?? '');
    case 'int':
    case 'number':
      return (run) => {
        const v = valueOf(run, f.name);
        return v === undefined ? '' : numberText(v as number);
      };
    case 'labels':
      return (run) => {
        const v = valueOf(run, f.name);
        return v === undefined ? '' : csvText(JSON.stringify(v));
      };
    case 'attempts':
      throw new Error(`${name}: attempts have no CSV column`);
  }
}

/** The stored run's own columns around the record's (record-fields.ts gives each field's position). */
const CSV_COLUMNS: readonly CsvColumn[] = [
  { name: 'id', position: 0, cell: (run: StoredRun) => numberText(run.id) },
  { name: 'received_at', position: 2, cell: (run: StoredRun) => rfc3339(run.receivedAtMs) },
  ...RECORD_FIELDS.flatMap((f): CsvColumn[] =>
    'csv' in f ? [{ name: f.name, position: f.csv, cell: cellOf(f) }] : [],
  ),
].sort((a, b) => a.position - b.position);

// A position given twice or skipped in record-fields.ts would shift every later column.
CSV_COLUMNS.forEach((c, i) => {
  if (c.position !== i) throw new Error(`CSV column ${c.name} is at ${c.position}, expected ${i}`);
});

const CELLS: readonly Cell[] = CSV_COLUMNS.map((c) => c.cell);

export const CSV_HEADER = `${CSV_COLUMNS.map((c) => c.name).join(',')}\r\n`;

/** One RFC 4180 row. Text that a spreadsheet would run as a formula gets a leading '. */
export function toCsvRow(run: StoredRun): string {
  const cells = new Array<string>(CELLS.length);
  for (let i = 0; i < CELLS.length; i++) cells[i] = (CELLS[i] as Cell)(run);
  return `${cells.join(',')}\r\n`;
}

function csvText(value: string): string {
  let v = value;
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}
