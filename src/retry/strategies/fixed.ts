import type { Backoff } from './types.ts';

export interface FixedParams {
  delayMs: number;
}

/** delay(n) = delay. */
export function fixed(p: FixedParams): Backoff {
  return { delay: () => p.delayMs };
}
