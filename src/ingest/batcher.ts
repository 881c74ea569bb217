// Group commit: every document that arrives in one turn of the event loop is stored in a
// single store.append (one SQLite transaction), and only then are the replies written.
// A reply of ok therefore always means the record is stored (and on disk with a data file).
// With a CommitDelay (a data file), a small batch may wait a bounded time for the documents
// of the next turns to join it (commit-delay.ts); flush() always commits at once.
import type { RunRecord } from '../shared/run-record.ts';
import type { Store, StoredRun } from '../store/types.ts';
import type { IngestCounters, RejectReason } from './counters.ts';
import { describeStorageError } from '../store/storage-error.ts';
import type { AcquireRequest, Grant, Ledger } from '../coordination/ledger.ts';
import { rfc3339Millis } from '../coordination/time.ts';
import { FULL_BATCH, type CommitDelay } from './commit-delay.ts';

/** What a document is answered: ok (with the answer of a control or acquire request), or why it was refused. */
export type DocumentReply =
  { ok: true; answer?: Record<string, unknown> } | { ok: false; reason: RejectReason; error: string };

/** Takes one document's reply (called once, after its batch is stored). */
export type ReplyTo = (reply: DocumentReply) => void;

/** A queued document. An acquire is decided when its batch is flushed, in document order. */
type Entry =
  | { kind: 'record'; record: RunRecord; done: ReplyTo }
  | { kind: 'rejected'; reason: RejectReason; error: string; done: ReplyTo }
  /** A control request's answer (not a record), written in turn like the others. */
  | { kind: 'answered'; answer: Record<string, unknown>; done: ReplyTo }
  | { kind: 'acquire'; request: AcquireRequest; done: ReplyTo };

/** An entry once its acquire is decided: a grant is answered only after it is stored. */
type Decided = Exclude<Entry, { kind: 'acquire' }> | { kind: 'granted'; grant: Grant; done: ReplyTo };

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
  /** Lets a small batch wait for company when commits are slow; without it every turn commits. */
  commitDelay?: CommitDelay;
}

const OK: DocumentReply = { ok: true };
const GRANTED: DocumentReply = { ok: true, answer: { status: 'ok', granted: true } };

export class Batcher {
  private entries: Entry[] = [];
  /** A commit is due: on the next turn, or when the wait ends. */
  private scheduled = false;
  /** The commit delay's timer, while a batch waits for company. */
  private waiting: { handle: unknown } | undefined;
  private readonly onTurn = (): void => this.turn();

  constructor(private readonly deps: BatcherDeps) {}

  /** Queues a valid record; `done` is called after the batch holding it is stored. */
  add(record: RunRecord, done: ReplyTo): void {
    this.push({ kind: 'record', record, done });
  }

  /** Queues a rejection, so that replies keep the order of the documents. */
  reject(reason: RejectReason, error: string, done: ReplyTo): void {
    this.push({ kind: 'rejected', reason, error, done });
  }

  /** Queues the answer to a control request, so that it too keeps its place in line. */
  answer(answer: Record<string, unknown>, done: ReplyTo): void {
    this.push({ kind: 'answered', answer, done });
  }

  /**
   * Queues an acquire. It is decided when the batch is flushed, in document order, and a
   * grant is stored (with a data file) in the batch's transaction before it is answered.
   */
  acquire(request: AcquireRequest, done: ReplyTo): void {
    this.push({ kind: 'acquire', request, done });
  }

  /** Whether acquire requests are served (a ledger is wired in). */
  get coordinates(): boolean {
    return this.deps.ledger !== undefined;
  }

  get pending(): number {
    return this.entries.length;
  }

  /** Stores and answers everything queued so far, at once (a waiting batch too: shutdown calls this). */
  flush(): void {
    this.scheduled = false;
    this.stopWaiting();
    const entries = this.entries;
    if (entries.length === 0) return;
    this.entries = [];
    const records: RunRecord[] = [];
    const grants: Grant[] = [];
    const decided: Decided[] = [];
    const now = this.deps.now();
    for (const e of entries) {
      if (e.kind === 'record') records.push(e.record);
      decided.push(e.kind === 'acquire' ? this.decide(e.request, e.done, now, grants) : e);
    }
    let stored: StoredRun[] = [];
    let fault: string | undefined;
    if (records.length > 0 || grants.length > 0) {
      try {
        stored = this.append(records, now, grants);
      } catch (err) {
        // A grant not known to be stored is not given: the slot is free again.
        this.deps.ledger?.undo(grants);
        // Whatever the store threw (a full disk, an I/O error, the data file gone), the
        // records are not known to be stored, so none of them is acknowledged.
        fault = describeStorageError(err);
        this.deps.onStoreError?.(err);
      }
    }
    for (const e of decided) e.done(this.replyOf(e, fault));
    if (stored.length > 0) this.deps.onStored?.(stored);
  }

  /** store.append, timed for the commit delay. */
  private append(records: RunRecord[], now: number, grants: Grant[]): StoredRun[] {
    const delay = this.deps.commitDelay;
    if (!delay) return this.deps.store.append(records, now, grants);
    const t0 = delay.clock();
    try {
      return this.deps.store.append(records, now, grants);
    } finally {
      delay.committed(delay.clock() - t0);
    }
  }

  /** The reply of a decided entry, counted; `fault` when the batch could not be stored. */
  private replyOf(e: Decided, fault: string | undefined): DocumentReply {
    const { counters } = this.deps;
    switch (e.kind) {
      case 'rejected':
        counters.reject(e.reason);
        return { ok: false, reason: e.reason, error: e.error };
      case 'answered':
        return { ok: true, answer: e.answer };
      case 'granted':
        if (fault !== undefined) {
          counters.reject('storage_error');
          return {
            ok: false,
            reason: 'storage_error',
            error: `storage_error: no slot was granted: ${fault}; ask again once the daemon's storage is fixed`,
          };
        }
        this.deps.onAcquire?.(e.grant.resourceId, true);
        return GRANTED;
      case 'record':
        if (fault !== undefined) {
          counters.reject('storage_error');
          return {
            ok: false,
            reason: 'storage_error',
            error: `storage_error: the record was not stored: ${fault}; send it again once the daemon's storage is fixed`,
          };
        }
        counters.received++;
        return OK;
    }
  }

  /** Decides an acquire at once (a grant is counted before the next one is judged). */
  private decide(request: AcquireRequest, done: ReplyTo, now: number, grants: Grant[]): Decided {
    const { ledger } = this.deps;
    if (!ledger) {
      return {
        kind: 'rejected',
        reason: 'unsupported_type',
        error: 'type: coordination request "acquire" is not supported by this daemon',
        done,
      };
    }
    const d = ledger.acquire(request, now);
    if (d.granted === true) {
      grants.push(d.grant);
      return { kind: 'granted', grant: d.grant, done };
    }
    if (d.granted === false) {
      this.deps.onAcquire?.(request.resource_id, false);
      return {
        kind: 'answered',
        answer: { status: 'ok', granted: false, wait_until: rfc3339Millis(d.waitUntilMs) },
        done,
      };
    }
    return { kind: 'rejected', reason: 'coordination_full', error: d.error, done };
  }

  private push(e: Entry): void {
    this.entries.push(e);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.onTurn);
    } else if (this.waiting !== undefined && this.entries.length >= FULL_BATCH) {
      // A full batch waits no longer: it is committed on this turn's check phase.
      this.stopWaiting();
      setImmediate(this.onTurn);
    }
  }

  /** The turn after the first entry: commit now, or wait a little for more (commit-delay.ts). */
  private turn(): void {
    // Already committed by flush(), or waiting: this is a stale call.
    if (!this.scheduled || this.waiting !== undefined) return;
    const delay = this.deps.commitDelay;
    const ms = delay?.delayMs(this.entries.length) ?? 0;
    if (!delay || ms <= 0) {
      this.flush();
      return;
    }
    this.waiting = {
      handle: delay.timer.set(() => {
        this.waiting = undefined;
        this.flush();
      }, ms),
    };
  }

  private stopWaiting(): void {
    if (this.waiting === undefined) return;
    this.deps.commitDelay?.timer.clear(this.waiting.handle);
    this.waiting = undefined;
  }
}
