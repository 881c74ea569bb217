// The grant times of one resource, oldest first, in a ring of unix-ms doubles. It never
// holds more than `limit` entries: a request with rate limit L is decided by the L-th
// newest grant alone (docs/coordination.md), so older ones can be dropped once more than
// the largest limit seen are held. It grows by doubling and shrinks when mostly empty, so
// an idle resource costs a few bytes.

const MIN_CAPACITY = 4;

export class GrantRing {
  private buf = new Float64Array(MIN_CAPACITY);
  private head = 0;
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** The k-th newest grant (1 = newest), or undefined when fewer are held. */
  newest(k: number): number | undefined {
    if (k < 1 || k > this.n) return undefined;
    return this.buf[(this.head + this.n - k) % this.buf.length];
  }

  oldest(): number | undefined {
    return this.n === 0 ? undefined : this.buf[this.head];
  }

  /** Adds a grant at `atMs` (never before the newest held: the caller clamps a clock that went back); drops the oldest when more than `keep` would be held. Returns how many were dropped. */
  push(atMs: number, keep: number): number {
    let dropped = 0;
    while (this.n >= keep && this.n > 0) {
      this.shift();
      dropped++;
    }
    if (this.n === this.buf.length) this.resize(Math.max(MIN_CAPACITY, this.buf.length * 2));
    this.buf[(this.head + this.n) % this.buf.length] = atMs;
    this.n++;
    return dropped;
  }

  /** Takes back the newest grant (its storage failed). */
  pop(): void {
    if (this.n > 0) this.n--;
  }

  /** Drops grants at or before `cutoffMs`; returns how many. */
  trimThrough(cutoffMs: number): number {
    let dropped = 0;
    while (this.n > 0 && (this.buf[this.head] ?? Infinity) <= cutoffMs) {
      this.shift();
      dropped++;
    }
    if (this.buf.length > MIN_CAPACITY && this.n < this.buf.length / 4) this.resize(Math.max(MIN_CAPACITY, this.n * 2));
    return dropped;
  }

  /** How many grants lie after `sinceMs` (a binary search: the times never go back, see push). */
  countAfter(sinceMs: number): number {
    let lo = 0;
    let hi = this.n;
    // The first index (oldest = 0) whose time is after sinceMs.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.buf[(this.head + mid) % this.buf.length] ?? 0) > sinceMs) hi = mid;
      else lo = mid + 1;
    }
    return this.n - lo;
  }

  private shift(): void {
    this.head = (this.head + 1) % this.buf.length;
    this.n--;
  }

  private resize(capacity: number): void {
    const next = new Float64Array(capacity);
    for (let i = 0; i < this.n; i++) next[i] = this.buf[(this.head + i) % this.buf.length] ?? 0;
    this.buf = next;
    this.head = 0;
  }
}
