// The store's contract, shared by the in-memory and the SQLite implementations. It speaks in
// domain values (unix ms, seconds, camelCase); src/http/wire/ turns them into the API's shapes.
import type { RunRecord } from '../shared/run-record.ts';

export interface StoredRun {
  /** Daemon-assigned, increasing in arrival order. */
  id: number;
  /** When the daemon received it, unix milliseconds. */
  receivedAtMs: number;
  record: RunRecord;
}

/** One label filter of recent(): the key, and the value it must have exactly (case and all). */
export interface LabelMatch {
  key: string;
  value: string;
}

export interface RecentQuery {
  /** 1..1000 */
  limit: number;
  /** Substring of the (redacted) command. */
  command?: string;
  status?: 'succeeded' | 'failed';
  /** Only records whose run timestamp is at or after this, unix ms. */
  sinceMs?: number;
  /** Only records whose run timestamp is at or before this, unix ms. */
  untilMs?: number;
  /**
   * Only records whose `labels` hold every one of these keys with exactly its value (AND);
   * none or an empty list filters nothing. Records without labels never match.
   */
  labels?: readonly LabelMatch[];
  /**
   * Stops before the record that would take the sum of record costs (record-cost.ts)
   * past this; the first record is always included. Unbounded when absent.
   */
  maxBytes?: number;
}

export interface RecentRuns {
  /** Newest first. */
  runs: StoredRun[];
  /** maxBytes ended the list before `limit` was reached; older matches exist. */
  truncated: boolean;
}

/**
 * What stats() and commands() count besides the time range; absent, every run. Each given
 * field narrows the runs further.
 */
export interface RunFilter {
  /**
   * Only runs whose (redacted) command contains this, case-sensitive: recent()'s `command`
   * rule (String.includes), so that an empty string matches every run.
   */
  command?: string;
}

/** Seconds. */
export interface DurationPercentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface CommandSummary {
  command: string;
  count: number;
  /** 0..1 */
  successRate: number;
  /** Never below 0. */
  avgDurationSeconds: number;
}

export interface HourSummary {
  /** The start of the hour (UTC), unix ms. */
  hourMs: number;
  totalRuns: number;
  successRate: number;
}

/** Aggregates over the runs whose timestamp lies in [startMs, endMs]. */
export interface RunStats {
  startMs: number;
  endMs: number;
  totalRuns: number;
  successfulRuns: number;
  failedRuns: number;
  /** 0..1 */
  successRate: number;
  averageAttempts: number;
  /** Never below 0. */
  averageDurationSeconds: number;
  durationSeconds: DurationPercentiles;
  rescuedRuns: number;
  totalAttempts: number;
  /** The busiest first, ties by command name. */
  topCommands: CommandSummary[];
  /** The hours with runs, ascending. */
  hourly: HourSummary[];
}

/** One command's runs in a range, from its raw records. */
export interface CommandDetail {
  command: string;
  count: number;
  successfulRuns: number;
  failedRuns: number;
  /** 0..1 */
  successRate: number;
  rescuedRuns: number;
  averageAttempts: number;
  averageDurationSeconds: number;
  /** Exact nearest-rank percentiles of this command's run durations. */
  durationSeconds: DurationPercentiles;
  /** The latest run time in range, unix ms. */
  lastRunMs: number;
}

export interface CommandStats {
  startMs: number;
  endMs: number;
  /** The busiest first (ties by name), as `topCommands` of the stats ranks them. */
  commands: CommandDetail[];
}

/** One rate-limit grant as the data file keeps it (src/coordination/ledger.ts), until expiresMs. */
export interface PersistedGrant {
  resourceId: string;
  atMs: number;
  rateLimit: number;
  windowMs: number;
  expiresMs: number;
}

export interface RetentionLimits {
  maxRecords: number;
  maxAgeMs: number;
  /** max_store_bytes: the sum of record costs (record-cost.ts) kept; unbounded when absent. */
  maxBytes?: number;
}

export interface Store {
  readonly kind: 'memory' | 'sqlite';
  /** "memory" or the data file's path. */
  readonly location: string;
  /**
   * Whether append() waits for the disk (an fsync per call, about a millisecond): the
   * batcher then lets a small batch wait briefly for more (src/ingest/commit-delay.ts).
   */
  readonly durable: boolean;
  readonly limits: RetentionLimits;
  /** When removeExpired last ran (unix ms), for /api/daemon/stats `last_cleanup`. */
  readonly lastCleanupMs: number | undefined;
  /**
   * Stores a batch of validated records, in order, and returns them with their ids.
   * With a data file the batch is committed (durable) before this returns.
   * Retention by count and bytes is applied at once: never more than maxRecords, nor
   * more than maxBytes of record costs, are kept (the oldest go first; the newest record
   * always stays).
   */
  append(records: RunRecord[], receivedAtMs: number, grants?: readonly PersistedGrant[]): StoredRun[];
  /**
   * The rate-limit grants still kept at nowMs, oldest first (a data file only: in memory
   * nothing is persisted). append() writes `grants` in the same transaction as the records,
   * so a grant is answered only once it is durable.
   */
  grantsSince?(nowMs: number): IterableIterator<PersistedGrant>;
  /** Deletes grants that every window has left; returns how many. */
  removeExpiredGrants?(nowMs: number): number;
  /** Newest first (by id), filtered, at most q.limit and about q.maxBytes. */
  recent(q: RecentQuery): RecentRuns;
  /** Aggregates over runs whose timestamp lies in [startMs, endMs] (and that pass `filter`). */
  stats(startMs: number, endMs: number, filter?: RunFilter): RunStats;
  /**
   * Per-command figures over runs whose timestamp lies in [startMs, endMs]; the `limit`
   * busiest. With `filter`, only the commands it lets through are ranked and listed.
   */
  commands(startMs: number, endMs: number, limit: number, filter?: RunFilter): CommandStats;
  /**
   * Every stored record, oldest first, without materialising them all at once. Appends
   * and removals may go on between steps: the iteration ends at the newest record
   * present when it began, never repeats one, and yields every record that stays; one
   * removed meanwhile may still appear if it was already read ahead (a page at most).
   */
  iterate(): IterableIterator<StoredRun>;
  count(): number;
  /**
   * Why the data file at `location` is no longer the file being written (deleted, renamed,
   * replaced), or undefined while it is (always, in memory). append() throws while it is not.
   */
  fileProblem(): string | undefined;
  /** The sum of the stored records' costs (record-cost.ts), as max_store_bytes counts them. */
  bytes(): number;
  /** Removes records older than maxAgeMs (by run timestamp) at nowMs; returns how many. */
  removeExpired(nowMs: number): number;
  close(): void;
}
