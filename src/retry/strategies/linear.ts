import { capped, type Backoff } from './types.ts';

export interface LinearParams {
  incrementMs: number;
  maxDelayMs: number;
}

/** n × increment, capped at the max delay. */
export function linear(p: LinearParams): Backoff {
  return { delay: (n) => capped(p.incrementMs, n, p.maxDelayMs) };
}
