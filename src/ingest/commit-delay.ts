// Group commit across turns, for a store whose commit waits for the disk (a data file:
// one fsync per transaction, about a millisecond). Node accepts about one connection per
// turn of the event loop and reads its document on the next, so with many clients that
// each send one record per connection, a batch of one turn holds about one record, and
// each record costs a whole fsync. In the spirit of PostgreSQL's commit_delay, the batch
// may instead wait a little for more documents before it is committed: only while other
// connections have been accepted and have not sent their document yet (the analogue of
// commit_siblings: a lone client never waits), only while commits are slow, for about as
// long as one commit takes, and never longer than a hard cap. The in-memory store commits
// in microseconds and gets no delay (commitDelayFor gives it none at all). Replies still
// leave only after the commit, so an ok still means on disk. A client that connects and
// stays silent can make commits wait, but never beyond the cap, and only until its
// document deadline (deadlines.ts) or shedding ends its connection.
import type { Store } from '../store/types.ts';
import { DOCUMENTS_PER_TURN } from './turn-budget.ts';

/** The wait's timer: setTimeout unless a test drives it. */
export interface DelayTimer {
  set(fire: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface CommitDelayOptions {
  /** How many more documents are on their way now (served connections yet to send one, waiters); 0 is none. */
  expected: () => number;
  /** Milliseconds, monotonic, to time the commits. */
  clock?: () => number;
  timer?: DelayTimer;
  /** The longest a batch ever waits. */
  maxDelayMs?: number;
}

/** No batch waits longer than this for company (ms). */
export const MAX_COMMIT_DELAY_MS = 4;
/** Commits faster than this (ms, smoothed) are not worth waiting for. */
export const SLOW_COMMIT_MS = 0.25;
/** A batch this large is committed at once: the turn budget's worth of documents. */
export const FULL_BATCH = DOCUMENTS_PER_TURN;
/** Weight of the newest commit in the smoothed commit time. */
const SMOOTHING = 0.25;

const REAL_TIMER: DelayTimer = {
  set: (fire, ms) => setTimeout(fire, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export class CommitDelay {
  /** The smoothed duration of a commit (ms); 0 until one was timed. */
  private commitMs = 0;
  readonly clock: () => number;
  readonly timer: DelayTimer;
  readonly maxDelayMs: number;

  constructor(private readonly opts: CommitDelayOptions) {
    this.clock = opts.clock ?? monotonicMs;
    this.timer = opts.timer ?? REAL_TIMER;
    this.maxDelayMs = opts.maxDelayMs ?? MAX_COMMIT_DELAY_MS;
  }

  /** How long a batch of `size` entries should wait for more before it is committed (ms); 0 commits now. */
  delayMs(size: number): number {
    if (size >= FULL_BATCH || this.commitMs < SLOW_COMMIT_MS) return 0;
    if (this.opts.expected() <= 0) return 0;
    return Math.min(this.maxDelayMs, this.commitMs);
  }

  /** Notes how long a commit took (ms). */
  committed(ms: number): void {
    this.commitMs = this.commitMs === 0 ? ms : this.commitMs + SMOOTHING * (ms - this.commitMs);
  }

  /** The smoothed duration of a commit (ms), for tests and diagnostics. */
  get smoothedCommitMs(): number {
    return this.commitMs;
  }
}

/** The commit delay for a store: none unless its commits wait for the disk. */
export function commitDelayFor(
  store: Pick<Store, 'durable'>,
  expected: CommitDelayOptions['expected'],
): CommitDelay | undefined {
  return store.durable ? new CommitDelay({ expected }) : undefined;
}
