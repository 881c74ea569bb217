// The deadlines that keep a hostile client from holding the socket's connection slots,
// and the choice of which connection to shed when they are all taken. Pure: the clock
// and the sweep count come in as numbers, so tests drive them by hand.

export interface IngestDeadlines {
  /** Each complete document must arrive within this, counted from the connection's start or its previous document. */
  documentMs: number;
  /** A client whose replies stay unread (the write side is blocked) this long is destroyed. */
  writeMs: number;
  /** A connection may wait this long in the waiting line for a slot. */
  waitMs: number;
  /** A connection being closed gets this long to take its last reply before it is destroyed. */
  lingerMs: number;
  /** How often one shared sweep checks every connection (no timer per connection). */
  sweepMs: number;
}

export const DEFAULT_DEADLINES: IngestDeadlines = {
  documentMs: 5000,
  writeMs: 5000,
  waitMs: 5000,
  lingerMs: 1000,
  sweepMs: 25,
};

/**
 * A connection is only shed once it has gone this many sweeps without completing a
 * document. Counting sweeps rather than milliseconds makes sure a full turn of the event
 * loop (a chance to read what the client sent) lay between: a client whose document sits
 * unread in the kernel only because the daemon was busy (a burst, an fsync) is never shed.
 */
export const SHED_AFTER_SWEEPS = 2;
/** ...and at least this long: a client slowed by its own load is not taken for a hostile one. */
export const SHED_AFTER_MS = 100;

/**
 * Waiters are served oldest first while the line moves; once the oldest has waited
 * this long, newest first, so that under a flood a new client still gets in within the
 * CLI's 200 ms report budget instead of queueing behind connections that went silent.
 */
export const LIFO_AFTER_MS = 100;

/** What the sweep and the shedding need to know about a served connection. */
export interface ConnectionClock {
  /** When the current document's clock started: the connection was served, or its previous document completed. */
  readonly documentSince: number;
  /** The sweep count at documentSince (or when the connection began to close). */
  readonly sweepMark: number;
  /** Complete documents received so far. */
  readonly documents: number;
  /** Bytes of an incomplete document received. */
  readonly partialBytes: number;
  /** Documents handed to the batcher whose replies are not written yet. */
  readonly pending: number;
  /** Since when the client has not been taking its replies (reading is paused until it does). */
  readonly writeBlockedSince: number | undefined;
}

/**
 * What a deadline demands of a connection now:
 * - `write_timeout`: it stopped reading its replies; destroy it.
 * - `document_timeout`: no complete document within the deadline (silent from the start, or a document left unfinished); say so and close.
 * - `idle`: it finished its documents and sent nothing since; close quietly.
 */
export type Expiry = 'write_timeout' | 'document_timeout' | 'idle';

export function expiryOf(c: ConnectionClock, now: number, d: IngestDeadlines): Expiry | undefined {
  if (c.writeBlockedSince !== undefined && now - c.writeBlockedSince >= d.writeMs) return 'write_timeout';
  if (c.pending > 0 || now - c.documentSince < d.documentMs) return undefined;
  // Its replies are stuck behind an unread buffer: closing politely would never finish.
  if (c.writeBlockedSince !== undefined) return 'write_timeout';
  return c.partialBytes > 0 || c.documents === 0 ? 'document_timeout' : 'idle';
}

/** May this connection give up its slot to a new client? Only if it is waiting on the client and has been for a while. */
export function isStale(c: ConnectionClock, sweeps: number, now: number): boolean {
  return c.pending === 0 && sweeps - c.sweepMark >= SHED_AFTER_SWEEPS && now - c.documentSince >= SHED_AFTER_MS;
}

/** The connection that has waited longest for its current document, among those that may be shed. */
export function stalest<T extends ConnectionClock>(
  connections: Iterable<T>,
  sweeps: number,
  now: number,
): T | undefined {
  let best: T | undefined;
  for (const c of connections) {
    if (isStale(c, sweeps, now) && (best === undefined || c.documentSince < best.documentSince)) best = c;
  }
  return best;
}

/** Which waiter gets the next slot: 'oldest' while the line moves, 'newest' once the oldest has waited LIFO_AFTER_MS. */
export function nextWaiter(oldestSince: number, now: number): 'oldest' | 'newest' {
  return now - oldestSince >= LIFO_AFTER_MS ? 'newest' : 'oldest';
}

/**
 * What a waiting client has sent so far, from the first bytes the line peeks at:
 * - `document`: one complete document and nothing after it (how the CLI reports: it then waits for the reply);
 * - `stream`: a complete document and more behind it;
 * - `nothing`: nothing, or an unfinished document (silent or dripping).
 */
export type Readiness = 'document' | 'stream' | 'nothing';

export interface WaiterView {
  readonly since: number;
  readonly readiness: Readiness;
}

/**
 * The waiter to serve next, by index, or undefined. A slot that must first be taken from
 * a stale connection only goes to a waiter that has sent one complete document and now
 * waits for the reply, as the CLI does. A silent newcomer evicting a silent incumbent, or
 * a flooding one evicting a flooder that stopped reading, would let an attacker who
 * reconnects churn the slots (and the daemon's CPU) forever. Free slots go to documents,
 * then the rest, and streams last: a client that flooded while it waited costs the most
 * to serve (one that never reads its replies makes the daemon answer thousands of
 * documents before its writes block), and a silent one given a slot is soon stale and
 * gives it up to a client with a document. Within a kind, nextWaiter's order.
 */
export function pickWaiter(waiters: readonly WaiterView[], now: number, shedding: boolean): number | undefined {
  const kinds: Readiness[] = shedding ? ['document'] : ['document', 'nothing', 'stream'];
  for (const kind of kinds) {
    let oldest = -1;
    let newest = -1;
    for (let i = 0; i < waiters.length; i++) {
      if (waiters[i]?.readiness !== kind) continue;
      if (oldest === -1) oldest = i;
      newest = i;
    }
    if (oldest === -1) continue;
    return nextWaiter(waiters[oldest]?.since ?? now, now) === 'newest' ? newest : oldest;
  }
  return undefined;
}

/** When the line is full, the place given up: the oldest of the least ready kind. */
export function pickDrop(waiters: readonly WaiterView[]): number | undefined {
  for (const kind of ['nothing', 'stream', 'document'] as const) {
    const i = waiters.findIndex((w) => w.readiness === kind);
    if (i !== -1) return i;
  }
  return undefined;
}
