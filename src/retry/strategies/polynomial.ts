import { capped, type Backoff } from './types.ts';

export interface PolynomialParams {
  baseDelayMs: number;
  exponent: number;
  maxDelayMs: number;
}

/** base × n^exponent, capped at the max delay. */
export function polynomial(p: PolynomialParams): Backoff {
  return { delay: (n) => capped(p.baseDelayMs, n ** p.exponent, p.maxDelayMs) };
}
