// The ten strategies: names, aliases, a one-line summary, and how to build each from
// resolved parameters. Everything the CLI shows about a strategy comes from here.
import { adaptive, type DelayOutcome } from './adaptive.ts';
import { decorrelatedJitter } from './decorrelated-jitter.ts';
import { diophantine } from './diophantine.ts';
import { exponential } from './exponential.ts';
import { fibonacci } from './fibonacci.ts';
import { fixed } from './fixed.ts';
import { httpAware } from './http-aware.ts';
import { jitter } from './jitter.ts';
import { linear } from './linear.ts';
import { polynomial } from './polynomial.ts';
import type { Backoff } from './types.ts';

export const STRATEGY_NAMES = [
  'http-aware',
  'exponential',
  'linear',
  'fixed',
  'jitter',
  'decorrelated-jitter',
  'fibonacci',
  'polynomial',
  'adaptive',
  'diophantine',
] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export const FALLBACK_NAMES = [
  'exponential',
  'linear',
  'fixed',
  'jitter',
  'decorrelated-jitter',
  'fibonacci',
  'polynomial',
] as const;
export type FallbackName = (typeof FALLBACK_NAMES)[number];

export interface StrategyInfo {
  alias: string;
  /** The example in STRATEGY --help, after `patience NAME`; a plain curl by default. */
  example?: string;
  /** Further aliases the Go original accepted. */
  moreAliases?: readonly string[];
  summary: string;
  formula: string;
}

export const STRATEGIES: Readonly<Record<StrategyName, StrategyInfo>> = {
  'http-aware': {
    alias: 'ha',
    summary: "Follow the server's Retry-After / rate-limit hints, else a fallback strategy",
    formula: "the server's hint after the attempt (capped by --max-delay), else the fallback's delay(n)",
  },
  exponential: {
    alias: 'exp',
    summary: 'Exponentially growing delays',
    formula: 'base × multiplier^(n−1), capped by --max-delay',
  },
  linear: { alias: 'lin', summary: 'Linearly growing delays', formula: 'n × increment, capped by --max-delay' },
  fixed: { alias: 'fix', summary: 'The same delay every time', formula: 'delay' },
  jitter: {
    alias: 'jit',
    summary: 'Exponential with full random jitter',
    formula: 'uniform in [0, min(base × multiplier^(n−1), max))',
  },
  'decorrelated-jitter': {
    alias: 'dj',
    summary: 'Random delays that grow from the previous one',
    formula: 'uniform in [base, min(prev × multiplier, max)), prev starting at base',
  },
  fibonacci: {
    alias: 'fib',
    summary: 'Fibonacci-growing delays',
    formula: 'F(n) × base, capped by --max-delay (F = 1, 1, 2, 3, 5, …)',
  },
  polynomial: {
    alias: 'poly',
    summary: 'Polynomially growing delays',
    formula: 'base × n^exponent, capped by --max-delay',
  },
  adaptive: {
    alias: 'adapt',
    summary: 'Learn which delay works for this command, across runs',
    formula: 'α × (midpoint of the best delay bucket) + (1 − α) × fallback(n), once 3 outcomes are known',
  },
  diophantine: {
    alias: 'dio',
    moreAliases: ['dioph'],
    example: '--daemon -r 2 -w 10s --resource-id api -- curl -fsS https://api.example.com/v1/items',
    summary: 'Keep the command inside a rate limit, retrying at fixed offsets',
    formula: 'the gaps between --retry-offsets; every start is counted against --rate-limit per --window',
  },
};

/** Canonical name for a name or alias; undefined when unknown. */
export function resolveStrategy(word: string): StrategyName | undefined {
  for (const name of STRATEGY_NAMES) {
    const info = STRATEGIES[name];
    if (name === word || info.alias === word || info.moreAliases?.includes(word)) return name;
  }
  return undefined;
}

export function resolveFallback(word: string): FallbackName | undefined {
  const name = resolveStrategy(word);
  return (FALLBACK_NAMES as readonly string[]).includes(name ?? '') ? (name as FallbackName) : undefined;
}

/** Everything a strategy may need, resolved (defaults applied, durations in ms). */
export interface StrategyParams {
  delayMs: number;
  baseDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
  incrementMs: number;
  exponent: number;
  fallback: FallbackName;
  /** The fallback's own parameters (http-aware, adaptive). */
  fallbackParams: FallbackParams;
  learningRate: number;
  memoryWindow: number;
  offsetsMs: number[];
}

export interface FallbackParams {
  baseDelayMs: number;
  multiplier: number;
  maxDelayMs: number;
  exponent: number;
}

export function buildFallback(name: FallbackName, p: FallbackParams): Backoff {
  switch (name) {
    case 'exponential':
      return exponential(p);
    case 'linear':
      return linear({ incrementMs: p.baseDelayMs, maxDelayMs: p.maxDelayMs });
    case 'fixed':
      return fixed({ delayMs: p.baseDelayMs });
    case 'jitter':
      return jitter(p);
    case 'decorrelated-jitter':
      return decorrelatedJitter(p);
    case 'fibonacci':
      return fibonacci(p);
    case 'polynomial':
      return polynomial(p);
  }
}

/** `learned` is adaptive's history (mutated as it learns); ignored by the others. */
export function buildBackoff(name: StrategyName, p: StrategyParams, learned: DelayOutcome[] = []): Backoff {
  switch (name) {
    case 'fixed':
      return fixed(p);
    case 'linear':
      return linear(p);
    case 'http-aware':
      return httpAware(p, buildFallback(p.fallback, p.fallbackParams));
    case 'adaptive':
      return adaptive(p, buildFallback(p.fallback, p.fallbackParams), learned);
    case 'diophantine':
      return diophantine(p);
    default:
      return buildFallback(name, p);
  }
}
