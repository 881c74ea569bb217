// The body of GET /api/metrics/export: every stored run as JSON, NDJSON or CSV, read from
// the store only as fast as the client takes it.
//
// Memory is the point: at a million records, whatever outlives two young-generation
// collections is promoted and then held until a full collection, so RSS grows with the
// export unless nearly nothing does. The stream is a byte stream with a small high-water
// mark: it holds at most about two chunks, and pipe() (what fastify does with it) stops
// pulling while the socket waits for 'drain', so a slow reader never makes the daemon
// serialise ahead. Chunks stay well under V8's large-object size (128 KiB), since a large
// object is promoted the first time it survives a collection (the 256-run chunks before
// were about 130 KiB of JSON). See also numberText in serialize.ts.
import { Readable } from 'node:stream';
import type { StoredRun } from '../store/types.ts';
import { CSV_HEADER, toApiRun, toCsvRow } from './serialize.ts';

export type ExportFormat = 'json' | 'ndjson' | 'csv';

/** Text gathered before it is handed on; also the stream's high-water mark. */
export const EXPORT_CHUNK_CHARS = 16 * 1024;

/** One run's text in each format; JSON's separators are added by the stream. */
const ROW: Record<ExportFormat, (run: StoredRun) => string> = {
  json: (run) => JSON.stringify(toApiRun(run)),
  ndjson: (run) => `${JSON.stringify(toApiRun(run))}\n`,
  csv: toCsvRow,
};

const HEAD: Record<ExportFormat, string> = { json: '[', ndjson: '', csv: CSV_HEADER };
const TAIL: Record<ExportFormat, string> = { json: ']', ndjson: '', csv: '' };

/**
 * The export of `runs` in `format`. A fault while reading (the headers have gone out by
 * then) destroys the stream, which cuts the response short; `onFault` hears of it first.
 */
export function exportStream(
  runs: Iterator<StoredRun>,
  format: ExportFormat,
  onFault: (err: unknown) => void,
): Readable {
  const row = ROW[format];
  const separator = format === 'json' ? ',' : '';
  let started = false;
  let first = true;
  return new Readable({
    highWaterMark: EXPORT_CHUNK_CHARS,
    read() {
      let text = started ? '' : HEAD[format];
      started = true;
      try {
        while (text.length < EXPORT_CHUNK_CHARS) {
          const r = runs.next();
          if (r.done) {
            this.push(text + TAIL[format]);
            this.push(null);
            return;
          }
          text += first ? row(r.value) : separator + row(r.value);
          first = false;
        }
      } catch (err) {
        onFault(err);
        this.destroy(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      this.push(text);
    },
  });
}
