import { capped, type Backoff } from './types.ts';

export interface FibonacciParams {
  baseDelayMs: number;
  maxDelayMs: number;
}

/** F(n) with F(1) = F(2) = 1; Infinity once it leaves the float range (capped later). */
export function fib(n: number): number {
  let a = 0;
  let b = 1;
  for (let i = 1; i < n && Number.isFinite(b); i++) [a, b] = [b, a + b];
  return b;
}

/** F(n) × base, capped at the max delay. */
export function fibonacci(p: FibonacciParams): Backoff {
  return { delay: (n) => capped(p.baseDelayMs, fib(n), p.maxDelayMs) };
}
