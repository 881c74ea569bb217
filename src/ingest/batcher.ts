// Group commit: every document that arrives in one turn of the event loop is stored in a
// single store.append (one SQLite transaction), and only then are the replies written.
// A reply of ok therefore always means the record is stored (and on disk with a data file).
import type { RunRecord } from '../shared/run-record.ts';
import type { Store, StoredRun } from '../store/types.ts';
import type { IngestCounters, RejectReason } from './counters.ts';
import { describeStorageError } from '../store/storage-error.ts';
import type { AcquireRequest, Grant, Ledger } from '../coordination/ledger.ts';
import { rfc3339Millis } from '../coordination/time.ts';

export type Outcome =
  { ok: true; reply?: Record<string, unknown> } | { ok: false; reason: RejectReason; error: string };

interface Entry {
  record?: RunRecord;
  rejection?: { reason: RejectReason; error: string };
  /** A control request's answer (not a record), written in turn like the others. */
  answer?: Record<string, unknown>;
  /** A rate-limit acquire, decided in turn and answered after its grant is stored. */
  acquire?: AcquireRequest;
  grant?: Grant;
  done: (outcome: Outcome) => void;
}

export interface BatcherDeps {
  store: Store;
  counters: IngestCounters;
  now: () => number;
  onStored?: (runs: StoredRun[]) => void;
  onStoreError?: (err: unknown) => void;
  /** The host's rate-limit ledger; without it an acquire is not expected here. */
  ledger?: Ledger;
  /** Each acquire answered (granted only once stored), for the /metrics counters. */
  onAcquire?: (resourceId: string, granted: boolean) => void;
}

const GRANTED = { status: 'ok', granted: true };

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

  /**
   * Queues an acquire. It is decided when the batch is flushed, in document order, and a
   * grant is stored (with a data file) in the batch's transaction before it is answered.
   */
  acquire(request: AcquireRequest, done: (o: Outcome) => void): void {
    this.push({ acquire: request, done });
  }

  /** Whether acquire requests are served (a ledger is wired in). */
  get coordinates(): boolean {
    return this.deps.ledger !== undefined;
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
    const grants: Grant[] = [];
    const now = this.deps.now();
    for (const e of entries) {
      if (e.record) records.push(e.record);
      else if (e.acquire) this.decide(e, now, grants);
    }
    let stored: StoredRun[] = [];
    let failure: string | undefined;
    let fault = '';
    if (records.length > 0 || grants.length > 0) {
      try {
        stored = this.deps.store.append(records, now, grants);
      } catch (err) {
        // A grant not known to be stored is not given: the slot is free again.
        this.deps.ledger?.undo(grants);
        // Whatever the store threw (a full disk, an I/O error, the data file gone), the
        // records are not known to be stored, so none of them is acknowledged.
        fault = describeStorageError(err);
        failure = `storage_error: the record was not stored: ${fault}; send it again once the daemon's storage is fixed`;
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
      } else if (e.grant && failure !== undefined) {
        counters.reject('storage_error');
        e.done({
          ok: false,
          reason: 'storage_error',
          error: `storage_error: no slot was granted: ${fault}; ask again once the daemon's storage is fixed`,
        });
      } else if (e.grant) {
        this.deps.onAcquire?.(e.grant.resourceId, true);
        e.done({ ok: true, reply: GRANTED });
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

  /** Decides an acquire at once (a grant is counted before the next one is judged). */
  private decide(e: Entry, now: number, grants: Grant[]): void {
    const { ledger } = this.deps;
    if (!e.acquire || !ledger) {
      e.rejection = {
        reason: 'unsupported_type',
        error: 'type: coordination request "acquire" is not supported by this daemon',
      };
      return;
    }
    const d = ledger.acquire(e.acquire, now);
    if (d.granted === true) {
      e.grant = d.grant;
      grants.push(d.grant);
    } else if (d.granted === false) {
      this.deps.onAcquire?.(e.acquire.resource_id, false);
      e.answer = { status: 'ok', granted: false, wait_until: rfc3339Millis(d.waitUntilMs) };
    } else {
      e.rejection = { reason: 'coordination_full', error: d.error };
    }
  }

  private push(e: Entry): void {
    this.entries.push(e);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }
}
