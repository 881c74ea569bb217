// Adaptive backoff: learns which delay works for this command. Success outcomes are kept
// per delay bucket as an exponential moving average (the learning rate is the EMA's
// weight) over the last memory-window outcomes; the delay blends the best bucket's
// midpoint with the fallback's delay.
import type { Backoff } from './types.ts';

/** What adaptive learns from one retry: the delay before it and whether it succeeded (docs/cli.md, adaptive). */
export interface DelayOutcome {
  delayMs: number;
  success: boolean;
}

export interface AdaptiveParams {
  learningRate: number;
  memoryWindow: number;
}

/** Bucket bounds in ms: [0,1s) [1s,2s) [2s,5s) [5s,10s) [10s,30s) [30s,60s) [60s,300s]. */
export const BUCKETS: ReadonlyArray<readonly [number, number]> = [
  [0, 1_000],
  [1_000, 2_000],
  [2_000, 5_000],
  [5_000, 10_000],
  [10_000, 30_000],
  [30_000, 60_000],
  [60_000, 300_000],
];

/** Below 3 outcomes the fallback alone decides. */
export const MIN_OUTCOMES = 3;
/** A bucket needs this many samples to be trusted. */
export const MIN_SAMPLES = 2;

export function bucketOf(delayMs: number): number {
  for (let i = 0; i < BUCKETS.length - 1; i++) {
    if (delayMs < (BUCKETS[i] as readonly [number, number])[1]) return i;
  }
  return BUCKETS.length - 1; // 300s and beyond count as the longest bucket
}

/** The midpoint of the best bucket, or undefined while too little is known. */
export function learnedDelay(outcomes: readonly DelayOutcome[], p: AdaptiveParams): number | undefined {
  const recent = outcomes.slice(-p.memoryWindow);
  if (recent.length < MIN_OUTCOMES) return undefined;
  const ema: number[] = [];
  const samples: number[] = BUCKETS.map(() => 0);
  for (const o of recent) {
    const b = bucketOf(o.delayMs);
    const x = o.success ? 1 : 0;
    const count = samples[b] ?? 0;
    const prev = ema[b] ?? x;
    ema[b] = count === 0 ? x : prev + p.learningRate * (x - prev);
    samples[b] = count + 1;
  }
  let best = -1;
  for (let b = 0; b < BUCKETS.length; b++) {
    if ((samples[b] ?? 0) < MIN_SAMPLES) continue;
    // Strictly greater: a tie keeps the shorter bucket.
    if (best < 0 || (ema[b] ?? 0) > (ema[best] ?? 0)) best = b;
  }
  if (best < 0) return undefined;
  const [lo, hi] = BUCKETS[best] as readonly [number, number];
  return (lo + hi) / 2;
}

/** `outcomes` is the learned history; record() appends to it (the caller persists it). */
export function adaptive(p: AdaptiveParams, fallback: Backoff, outcomes: DelayOutcome[]): Backoff {
  return {
    delay(n, input) {
      const fb = fallback.delay(n, input);
      const learned = learnedDelay(outcomes, p);
      if (learned === undefined) return fb;
      return p.learningRate * learned + (1 - p.learningRate) * fb;
    },
    record(delayMs, success) {
      outcomes.push({ delayMs, success });
    },
  };
}
