import type { Backoff } from './types.ts';

export interface HttpAwareParams {
  /** Caps the server's hint. */
  maxDelayMs: number;
}

/** The server's hint when the attempt gave one (capped), else the fallback's delay. */
export function httpAware(p: HttpAwareParams, fallback: Backoff): Backoff {
  return {
    delay(n, input) {
      if (input.hintMs !== undefined && input.hintMs > 0) return Math.min(input.hintMs, p.maxDelayMs);
      return fallback.delay(n, input);
    },
  };
}
