import { capped, type Backoff } from './types.ts';

export interface ExponentialParams {
  baseDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
}

/** base × multiplier^(n−1), saturating at the max delay. */
export function exponentialDelay(p: ExponentialParams, n: number): number {
  return capped(p.baseDelayMs, p.multiplier ** (n - 1), p.maxDelayMs);
}

export function exponential(p: ExponentialParams): Backoff {
  return { delay: (n) => exponentialDelay(p, n) };
}
