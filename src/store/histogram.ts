// A log-bucketed histogram of durations (seconds), for percentiles with a bounded
// relative error and no stored samples. Bucket i holds values in (γ^(i-1), γ^i] and
// reports 2γ^i/(γ+1), which is within α of every value in the bucket (the DDSketch
// mapping). Counts live in a dense window of buckets that widens on demand, because
// one hour's durations usually span a few hundred buckets out of thousands.

import { grownCapacity } from './growable.ts';

/** Below the 1% the contract allows, so a value rounded into a neighbour bucket still fits. */
export const RELATIVE_ERROR = 0.009;
const GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);
/** Values at or below this (a nanosecond) count as zero. */
const ZERO_THRESHOLD = 1e-9;
/** Values beyond ~30,000 years share the top bucket instead of widening the window. */
const MAX_INDEX = Math.ceil(Math.log(1e12) / LOG_GAMMA);

export function bucketIndex(seconds: number): number {
  return Math.min(MAX_INDEX, Math.ceil(Math.log(seconds) / LOG_GAMMA));
}

export function bucketValue(index: number): number {
  return (2 * Math.pow(GAMMA, index)) / (GAMMA + 1);
}

const EMPTY = new Uint32Array(0);

export class LogHistogram {
  /** Values at or below ZERO_THRESHOLD. */
  private zeros = 0;
  private total = 0;
  /** Bucket index of counts[0]. */
  private offset = 0;
  private counts: Uint32Array = EMPTY;

  get count(): number {
    return this.total;
  }

  add(seconds: number): void {
    this.total++;
    if (!(seconds > ZERO_THRESHOLD)) {
      this.zeros++;
      return;
    }
    const i = bucketIndex(seconds);
    this.cover(i, i);
    const k = i - this.offset;
    this.counts[k] = (this.counts[k] ?? 0) + 1;
  }

  /** Takes back one earlier `add(seconds)`. */
  remove(seconds: number): void {
    if (!(seconds > ZERO_THRESHOLD)) {
      if (this.zeros === 0) throw new Error('histogram: removing a value that was never added');
      this.zeros--;
      this.total--;
      return;
    }
    const k = bucketIndex(seconds) - this.offset;
    const c = this.counts[k];
    if (c === undefined || c === 0) throw new Error('histogram: removing a value that was never added');
    this.counts[k] = c - 1;
    this.total--;
  }

  /** Adds every count of `other` to this histogram. */
  merge(other: LogHistogram): void {
    this.zeros += other.zeros;
    this.total += other.total;
    const src = other.counts;
    let lo = 0;
    let hi = src.length - 1;
    while (lo <= hi && src[lo] === 0) lo++;
    while (hi >= lo && src[hi] === 0) hi--;
    if (lo > hi) return;
    this.cover(other.offset + lo, other.offset + hi);
    const shift = other.offset - this.offset;
    const dst = this.counts;
    for (let k = lo; k <= hi; k++) dst[k + shift] = (dst[k + shift] ?? 0) + (src[k] ?? 0);
  }

  /**
   * The nearest-rank quantile q (0..1): the value of rank ceil(q·n). Callers clamp it
   * into the data's exact [min, max]. 0 when empty.
   */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    // The epsilon keeps q·n that lands on an integer from rounding up past it.
    const rank = Math.max(1, Math.ceil(q * this.total - 1e-9));
    let seen = this.zeros;
    if (seen >= rank) return 0;
    const counts = this.counts;
    for (let k = 0; k < counts.length; k++) {
      seen += counts[k] ?? 0;
      if (seen >= rank) return bucketValue(k + this.offset);
    }
    return bucketValue(this.offset + counts.length - 1);
  }

  /** Widens the window so that bucket indices lo..hi have slots. */
  private cover(lo: number, hi: number): void {
    const len = this.counts.length;
    if (len === 0) {
      const pad = 8;
      this.offset = lo - pad;
      this.counts = new Uint32Array(hi - lo + 1 + 2 * pad);
      return;
    }
    const end = this.offset + len - 1;
    if (lo >= this.offset && hi <= end) return;
    const newLo = Math.min(lo, this.offset);
    const newHi = Math.max(hi, end);
    // Leave room on the side that grew, so a slowly widening range copies rarely.
    const size = grownCapacity(len, newHi - newLo + 1);
    const spare = size - (newHi - newLo + 1);
    const start = lo < this.offset ? newLo - spare : newLo;
    const next = new Uint32Array(size);
    next.set(this.counts, this.offset - start);
    this.offset = start;
    this.counts = next;
  }
}
