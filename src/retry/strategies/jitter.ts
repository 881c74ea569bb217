import { exponentialDelay, type ExponentialParams } from './exponential.ts';
import type { Backoff } from './types.ts';

/** Full jitter: uniform in [0, min(base × multiplier^(n−1), max)). */
export function jitter(p: ExponentialParams): Backoff {
  return { delay: (n, { random }) => random() * exponentialDelay(p, n) };
}
