import type { ExponentialParams } from './exponential.ts';
import type { Backoff } from './types.ts';

/**
 * Decorrelated jitter: u = min((prev or base) × multiplier, max), at least base; the delay
 * is uniform in [base, u) (base when u = base) and becomes prev.
 */
export function decorrelatedJitterDelay(p: ExponentialParams, prev: number, r: number): number {
  const from = prev > 0 ? prev : p.baseDelayMs;
  const grown = from * p.multiplier;
  const upper = Math.max(Number.isNaN(grown) ? p.maxDelayMs : Math.min(grown, p.maxDelayMs), p.baseDelayMs);
  if (upper <= p.baseDelayMs) return p.baseDelayMs;
  return p.baseDelayMs + r * (upper - p.baseDelayMs);
}

export function decorrelatedJitter(p: ExponentialParams): Backoff {
  let prev = 0;
  return {
    delay: (_n, { random }) => {
      prev = decorrelatedJitterDelay(p, prev, random());
      return prev;
    },
  };
}
