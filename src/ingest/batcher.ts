// Group commit: every document that arrives in one turn of the event loop is stored in a
// single store.append (one SQLite transaction), and only then are the replies written.
// A reply of ok therefore always means the record is stored (and on disk with a data file).
import type { RunRecord } from '../shared/run-record.ts';
import type { Store, StoredRun } from '../store/types.ts';
import type { IngestCounters, RejectReason } from './counters.ts';
import { describeStorageError } from '../store/storage-error.ts';

export type Outcome = { ok: true; reply?: Record<string, unknown> } | { ok: false; reason: RejectReason; error: string };

interface Entry {
  record?: RunRecord;
  rejection?: { reason: RejectReason; error: string };
  /** A control request's answer (not a record), written in turn like the others. */
  answer?: Record<string, unknown>;
  done: (outcome: Outcome) => void;
}

export interface BatcherDeps {
  store: Store;
  counters: IngestCounters;
  now: () => number;
  onStored?: (runs: StoredRun[]) => void;
  onStoreError?: (err: unknown) => void;
}

export class Batcher {
  private entries: Entry[] = [];
  private scheduled = false;

  constructor(private readonly deps: BatcherDeps) {}

  /** Queues a valid record; `done` is called after the batch holding it is stored. */
  add(record: RunRecord, done: (o: Outcome) => void): void {
    this.push({ record, done });
  }

  /** Queues a rejection, so that replies keep the order of the documents. */
  reject(reason: RejectReason, error: string, done: (o: Outcome) => void): void {
    this.push({ rejection: { reason, error }, done });
  }

  /** Queues the answer to a control request, so that it too keeps its place in line. */
  answer(reply: Record<string, unknown>, done: (o: Outcome) => void): void {
    this.push({ answer: reply, done });
  }

  get pending(): number {
    return this.entries.length;
  }

  /** Stores and answers everything queued so far. */
  flush(): void {
    this.scheduled = false;
    const entries = this.entries;
    if (entries.length === 0) return;
    this.entries = [];
    const records: RunRecord[] = [];
    for (const e of entries) if (e.record) records.push(e.record);
    let stored: StoredRun[] = [];
    let failure: string | undefined;
    if (records.length > 0) {
      try {
        stored = this.deps.store.append(records, this.deps.now());
      } catch (err) {
        // Whatever the store threw (a full disk, an I/O error, the data file gone), the
        // records are not known to be stored, so none of them is acknowledged.
        failure = `storage_error: the record was not stored: ${describeStorageError(err)}; send it again once the daemon's storage is fixed`;
        this.deps.onStoreError?.(err);
      }
    }
    const { counters } = this.deps;
    for (const e of entries) {
      if (e.rejection) {
        counters.reject(e.rejection.reason);
        e.done({ ok: false, ...e.rejection });
      } else if (e.answer) {
        e.done({ ok: true, reply: e.answer });
      } else if (failure !== undefined) {
        counters.reject('storage_error');
        e.done({ ok: false, reason: 'storage_error', error: failure });
      } else {
        counters.received++;
        e.done({ ok: true });
      }
    }
    if (stored.length > 0) this.deps.onStored?.(stored);
  }

  private push(e: Entry): void {
    this.entries.push(e);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }
}
