// For tests: a store that fails on demand the way a disk does (SQLITE_FULL, SQLITE_IOERR),
// in front of a real memory store.
import type { RunRecord } from '../shared/run-record.ts';
import { MemoryStore } from './memory-store.ts';
import type { PersistedGrant, RecentQuery, RecentRuns, RetentionLimits, RunFilter, Store, StoredRun } from './types.ts';

/** An error shaped like better-sqlite3's SqliteError. */
export function sqliteError(code: string, message: string): Error {
  return Object.assign(new Error(message), { name: 'SqliteError', code });
}

export const DISK_FULL = sqliteError('SQLITE_FULL', 'database or disk is full');
export const DISK_IO = sqliteError('SQLITE_IOERR_READ', 'disk I/O error');

type Method = 'append' | 'recent' | 'stats' | 'commands' | 'iterate' | 'removeExpired' | 'close';

export class FaultyStore implements Store {
  readonly kind = 'memory';
  readonly location = 'memory';
  readonly durable = false;
  /** The error each method throws while set. */
  readonly faults = new Map<Method, Error>();
  /** What fileProblem() says while set. */
  fileGone: string | undefined;
  /** How often each method was called. */
  readonly calls = new Map<Method, number>();
  private readonly inner: MemoryStore;

  constructor(readonly limits: RetentionLimits) {
    this.inner = new MemoryStore(limits);
  }

  get lastCleanupMs(): number | undefined {
    return this.inner.lastCleanupMs;
  }

  /** The rate-limit grants of each append that succeeded (memory persists none: this is for tests). */
  readonly grantBatches: PersistedGrant[][] = [];

  append(records: RunRecord[], receivedAtMs: number, grants: readonly PersistedGrant[] = []): StoredRun[] {
    this.hit('append');
    const stored = this.inner.append(records, receivedAtMs);
    this.grantBatches.push([...grants]);
    return stored;
  }
  recent(q: RecentQuery): RecentRuns {
    this.hit('recent');
    return this.inner.recent(q);
  }
  stats(startMs: number, endMs: number, filter?: RunFilter): ReturnType<Store['stats']> {
    this.hit('stats');
    return this.inner.stats(startMs, endMs, filter);
  }
  commands(startMs: number, endMs: number, limit: number, filter?: RunFilter): ReturnType<Store['commands']> {
    this.hit('commands');
    return this.inner.commands(startMs, endMs, limit, filter);
  }
  iterate(): IterableIterator<StoredRun> {
    this.hit('iterate');
    return this.inner.iterate();
  }
  count(): number {
    return this.inner.count();
  }
  bytes(): number {
    return this.inner.bytes();
  }
  fileProblem(): string | undefined {
    return this.fileGone;
  }
  removeExpired(nowMs: number): number {
    this.hit('removeExpired');
    return this.inner.removeExpired(nowMs);
  }
  close(): void {
    this.hit('close');
    this.inner.close();
  }

  private hit(method: Method): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    const err = this.faults.get(method);
    if (err) throw err;
  }
}
