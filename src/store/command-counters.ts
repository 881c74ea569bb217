// Per-command counters. CommandCounters lives in each hour bucket (count, successes,
// duration sum; no histogram, since a command may be unique to one run). CommandTotals
// is the query-time scratch that sums them across hours, indexed by the pool's dense
// command ids so that even 100k distinct commands merge without a Map per query.

import { grownCapacity, resized } from './growable.ts';
import { poolId, type PoolId } from './ids.ts';
import type { StringPool } from './string-pool.ts';
import type { CommandSummary } from './types.ts';

export class CommandCounters {
  private readonly slots = new Map<PoolId, number>();
  private readonly free: number[] = [];
  private used = 0;
  private ids = new Uint32Array(4);
  private counts = new Uint32Array(4);
  private successes = new Uint32Array(4);
  private durations = new Float64Array(4);

  add(commandId: PoolId, succeeded: boolean, seconds: number): void {
    let slot = this.slots.get(commandId);
    if (slot === undefined) {
      slot = this.free.pop() ?? this.used++;
      if (slot >= this.ids.length) this.growTo(slot + 1);
      this.slots.set(commandId, slot);
      this.ids[slot] = commandId;
      this.counts[slot] = 0;
      this.successes[slot] = 0;
      this.durations[slot] = 0;
    }
    this.counts[slot] = (this.counts[slot] ?? 0) + 1;
    if (succeeded) this.successes[slot] = (this.successes[slot] ?? 0) + 1;
    this.durations[slot] = (this.durations[slot] ?? 0) + seconds;
  }

  remove(commandId: PoolId, succeeded: boolean, seconds: number): void {
    const slot = this.slots.get(commandId);
    if (slot === undefined) throw new Error('command counters: removing a command that was never added');
    const left = (this.counts[slot] ?? 0) - 1;
    if (left === 0) {
      this.slots.delete(commandId);
      this.free.push(slot);
      this.counts[slot] = 0;
      return;
    }
    this.counts[slot] = left;
    if (succeeded) this.successes[slot] = (this.successes[slot] ?? 0) - 1;
    this.durations[slot] = (this.durations[slot] ?? 0) - seconds;
  }

  /** How many distinct commands this hour holds. */
  get distinct(): number {
    return this.slots.size;
  }

  /** How many of this hour's distinct commands pass `test`; each is tested once. */
  countMatching(test: (id: PoolId) => boolean): number {
    let n = 0;
    for (let s = 0; s < this.used; s++) if ((this.counts[s] ?? 0) > 0 && test(poolId(this.ids[s] ?? 0))) n++;
    return n;
  }

  addTo(totals: CommandTotals): void {
    for (let s = 0; s < this.used; s++) {
      const n = this.counts[s] ?? 0;
      if (n > 0) totals.add(poolId(this.ids[s] ?? 0), n, this.successes[s] ?? 0, this.durations[s] ?? 0);
    }
  }

  private growTo(needed: number): void {
    const cap = grownCapacity(this.ids.length, needed, 4);
    this.ids = resized(this.ids, cap);
    this.counts = resized(this.counts, cap);
    this.successes = resized(this.successes, cap);
    this.durations = resized(this.durations, cap);
  }
}

/** Reused across queries; `takeTop` leaves it empty again. */
export class CommandTotals {
  private counts = new Uint32Array(0);
  private successes = new Uint32Array(0);
  private durations = new Float64Array(0);
  /** Ids with a non-zero count, in a reused buffer: queries then allocate nothing per id. */
  private touched = new Uint32Array(0);
  private touchedCount = 0;

  add(commandId: PoolId, count: number, successes: number, seconds: number): void {
    if (commandId >= this.counts.length) this.growTo(commandId + 1);
    if (this.counts[commandId] === 0) this.touched[this.touchedCount++] = commandId;
    this.counts[commandId] = (this.counts[commandId] ?? 0) + count;
    this.successes[commandId] = (this.successes[commandId] ?? 0) + successes;
    this.durations[commandId] = (this.durations[commandId] ?? 0) + seconds;
  }

  /** The n most frequent commands, ties by command name; then resets the scratch. */
  takeTop(n: number, pool: StringPool): CommandSummary[] {
    const counts = this.counts;
    // Pass 1, numbers only: the n-th highest count. Commands above it are in for sure;
    // only those tied with it need their names compared (all of them, when every
    // command is unique to one run, so that pass stays a tight loop).
    const touched = this.touchedInIdOrder();
    const best: number[] = [];
    for (const id of touched) {
      const c = counts[id] ?? 0;
      if (best.length === n && c <= (best[n - 1] ?? 0)) continue;
      let i = best.length;
      while (i > 0 && c > (best[i - 1] ?? 0)) i--;
      best.splice(i, 0, c);
      if (best.length > n) best.pop();
    }
    const cutoff = best.length === n ? (best[n - 1] ?? 0) : 0;
    const above: PoolId[] = [];
    const tied: PoolId[] = [];
    const tiedNames: string[] = [];
    for (const n32 of touched) {
      const id = poolId(n32);
      const c = counts[id] ?? 0;
      if (c > cutoff) {
        above.push(id);
        continue;
      }
      if (c < cutoff) continue;
      const name = pool.get(id);
      if (tied.length === n && name >= (tiedNames[n - 1] ?? '')) continue;
      let i = tied.length;
      while (i > 0 && name < (tiedNames[i - 1] ?? '')) i--;
      tied.splice(i, 0, id);
      tiedNames.splice(i, 0, name);
      if (tied.length > n) {
        tied.pop();
        tiedNames.pop();
      }
    }
    above.sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0) || compare(pool.get(a), pool.get(b)));
    const out = [...above, ...tied].slice(0, n).map((id) => {
      const count = counts[id] ?? 0;
      return {
        command: pool.get(id),
        count,
        successRate: (this.successes[id] ?? 0) / count,
        // Never below 0: a sum that had runs taken back may keep a tiny negative residue.
        avgDurationSeconds: Math.max(0, (this.durations[id] ?? 0) / count),
      };
    });
    this.reset();
    return out;
  }

  /**
   * The touched ids ascending. Ids follow arrival order and so does where V8 put each
   * string; visiting them in that order rather than hour by hour made the name
   * comparisons of 100k tied commands 3x faster (cache misses, not compares, dominate).
   */
  private touchedInIdOrder(): Uint32Array {
    const n = this.touchedCount;
    if (n * 8 <= this.counts.length) return this.touched.subarray(0, n).sort();
    let k = 0;
    for (let id = 0; id < this.counts.length && k < n; id++) if (this.counts[id] !== 0) this.touched[k++] = id;
    return this.touched.subarray(0, n);
  }

  reset(): void {
    if (this.touchedCount * 8 > this.counts.length) {
      this.counts.fill(0);
      this.successes.fill(0);
      this.durations.fill(0);
    } else {
      for (const id of this.touched.subarray(0, this.touchedCount)) {
        this.counts[id] = 0;
        this.successes[id] = 0;
        this.durations[id] = 0;
      }
    }
    this.touchedCount = 0;
  }

  private growTo(needed: number): void {
    const cap = grownCapacity(this.counts.length, needed, 64);
    this.counts = resized(this.counts, cap);
    this.successes = resized(this.successes, cap);
    this.durations = resized(this.durations, cap);
    this.touched = resized(this.touched, cap);
  }
}

/** By UTF-16 code units: stable across locales, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
