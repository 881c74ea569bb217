// What every backoff strategy is: a delay, in milliseconds, after failed attempt n
// (n = 1, 2, …), computed from the attempt number and injected randomness. The
// strategies never read the clock or Math.random themselves.

/** Returns a number in [0, 1). */
export type Random = () => number;

export interface DelayInput {
  random: Random;
  /** A server's hint (Retry-After and the like) found in the attempt's output, in ms. */
  hintMs?: number | undefined;
}

export interface Backoff {
  /** Delay in ms after failed attempt n (1-based). Always finite and >= 0. */
  delay(n: number, input: DelayInput): number;
  /** Learns from an attempt that ran after a delay of delayMs (adaptive only). */
  record?(delayMs: number, success: boolean): void;
}

/**
 * base × growth, capped, without NaN or overflow: a huge growth gives the cap, and a
 * zero base stays zero even when growth is Infinity.
 */
export function capped(base: number, growth: number, max: number): number {
  if (base <= 0) return 0;
  const value = base * growth;
  if (Number.isNaN(value)) return max;
  return Math.min(value, max);
}
