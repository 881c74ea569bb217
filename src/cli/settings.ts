// Layers the inputs (defaults < config file < env vars < flags), checks each value once,
// then the rules between values, and returns everything a run needs, typed.
import type { CodeSet } from '../retry/codes.ts';
import { formatDuration } from '../retry/format.ts';
import type { Patterns } from '../retry/judge.ts';
import { compilePattern, PatternError } from '../retry/pattern.ts';
import type { FallbackName, StrategyName, StrategyParams } from '../retry/strategies/index.ts';
import type { FileConfig } from './config.ts';
import { UsageError } from './errors.ts';
import { defaultOf, findOption, optionsFor, type OptionSpec } from './options.ts';
import { MAX_LABELS, parseValue, sourceName, type Entry, type Source, type Value } from './option-values.ts';

export interface RunSettings {
  strategy: StrategyName;
  command: string[];
  attempts: number;
  timeoutMs: number;
  maxTimeMs: number;
  patterns: Patterns;
  retryOn: CodeSet | undefined;
  stopOn: CodeSet | undefined;
  dryRun: boolean;
  quiet: boolean;
  report: boolean;
  labels: Record<string, string>;
  params: StrategyParams;
  rateLimit: number;
  windowMs: number;
  resourceId: string | undefined;
  daemon: boolean;
  daemonSocket: string | undefined;
  daemonTimeoutMs: number;
  daemonAutoStart: boolean;
  /** --debug-config: print the settings below and run nothing. */
  debugConfig: boolean;
  /** Each setting as given and where it came from, in the strategy's option order (labels last). */
  origins: SettingOrigin[];
}

/** One setting as it was given (a flag's text, an env var, a TOML value, or the default) and its source. */
export interface SettingOrigin {
  key: string;
  raw: unknown;
  source: Source;
}

export interface Layers {
  file?: FileConfig | undefined;
  env: Entry[];
  flags: Entry[];
}

/** The default max delay of a fallback strategy. */
const FALLBACK_MAX_DELAY_MS = 60_000;
const BASE_AND_MAX: readonly StrategyName[] = [
  'exponential',
  'jitter',
  'decorrelated-jitter',
  'fibonacci',
  'polynomial',
];

interface Resolved {
  value: Value | undefined;
  source: Source;
  /** As given, before it was checked; undefined when nothing set it and it has no default. */
  raw: unknown;
}

export function resolveSettings(strategy: StrategyName, command: string[], layers: Layers): RunSettings {
  for (const e of layers.file?.others ?? []) checked(e, true);
  const picked = pick(strategy, layers);
  const get = <T extends Value | undefined>(key: string): T => picked.get<T>(key);
  const num = (key: string): number => get<number>(key);
  const caseInsensitive = get<boolean | undefined>('case-insensitive') ?? false;
  // In this order, so the first problem of several is the one said.
  const patterns: Patterns = {
    success: picked.pattern('success-pattern', caseInsensitive),
    failure: picked.pattern('failure-pattern', caseInsensitive),
  };
  const fallbackMax = fallbackMaxDelay(strategy, picked);
  const labels = labelsOf(layers);
  return {
    strategy,
    command,
    attempts: num('attempts'),
    timeoutMs: num('timeout'),
    maxTimeMs: num('max-time'),
    patterns,
    retryOn: get<CodeSet | undefined>('retry-on'),
    stopOn: get<CodeSet | undefined>('stop-on'),
    dryRun: get<boolean | undefined>('dry-run') ?? false,
    quiet: get<boolean | undefined>('quiet') ?? false,
    report: !(get<boolean | undefined>('no-report') ?? false),
    labels,
    params: paramsOf(picked, fallbackMax),
    rateLimit: get('rate-limit') ?? 0,
    windowMs: get('window') ?? 0,
    resourceId: get<string | undefined>('resource-id'),
    daemon: get<boolean | undefined>('daemon') ?? false,
    daemonSocket: get<string | undefined>('daemon-socket'),
    daemonTimeoutMs: get<number | undefined>('daemon-timeout') ?? 200,
    daemonAutoStart: get<boolean | undefined>('daemon-auto-start') ?? false,
    debugConfig: get<boolean | undefined>('debug-config') ?? false,
    origins: [...picked.origins(), ...labelEntries(layers)],
  };
}

/** Each option's checked value and where it came from (labels apart: they add up, see labelsOf). */
class Picked {
  constructor(private readonly values: Map<string, Resolved>) {}

  get<T extends Value | undefined>(key: string): T {
    return this.values.get(key)?.value as T;
  }

  /** Every option of the strategy, as given (undefined when nothing set it and it has no default), with its source. */
  origins(): SettingOrigin[] {
    const out: SettingOrigin[] = [];
    for (const [key, r] of this.values) out.push({ key, raw: r.raw, source: r.source });
    return out;
  }

  /** Set anywhere but the defaults. */
  given(key: string): boolean {
    return (this.values.get(key)?.source.kind ?? 'default') !== 'default';
  }

  /** The value of a duration option as an error message names it, with where it came from. */
  describe(key: string, ms: number): string {
    const r = this.values.get(key) as Resolved;
    return r.source.kind === 'default'
      ? `the default --${key} of ${formatDuration(ms)}`
      : `${sourceName(r.source, key)} (${formatDuration(ms)})`;
  }

  /** A pattern option compiled, or a UsageError naming where it came from. */
  pattern(key: string, ci: boolean): RegExp | undefined {
    const r = this.values.get(key);
    if (!r || r.value === undefined) return undefined;
    try {
      return compilePattern(r.value as string, ci);
    } catch (err) {
      if (err instanceof PatternError)
        throw new UsageError(`invalid value for ${sourceName(r.source, key)}: ${err.message}`);
      throw err;
    }
  }
}

/** The strategy's options, each from the last layer that sets it, checked. */
function pick(strategy: StrategyName, layers: Layers): Picked {
  const picked = new Map<string, Resolved>();
  for (const spec of optionsFor(strategy)) {
    if (spec.kind === 'labels') continue;
    // Later entries win: file (top-level, then the strategy's table) < env < flags.
    const all = [...(layers.file?.active ?? []), ...layers.env, ...layers.flags].filter((e) => e.key === spec.key);
    const chosen = all.at(-1);
    if (chosen) {
      const value = checked(chosen, chosen.source.kind === 'file');
      picked.set(spec.key, { value, source: chosen.source, raw: chosen.raw });
    } else {
      const raw = defaultOf(spec, strategy);
      const source: Source = { kind: 'default' };
      picked.set(spec.key, {
        value: raw === undefined ? undefined : checked({ key: spec.key, raw, source }, false),
        source,
        raw,
      });
    }
  }
  return new Picked(picked);
}

/**
 * The max delay of the fallback strategy (http-aware, adaptive), or the strategy's own;
 * a base delay over it is a UsageError.
 */
function fallbackMaxDelay(strategy: StrategyName, picked: Picked): number {
  const num = (key: string): number => picked.get<number>(key);
  const hasFallback = strategy === 'http-aware' || strategy === 'adaptive';
  const fallbackMax =
    hasFallback && !picked.given('max-delay') ? FALLBACK_MAX_DELAY_MS : (num('max-delay') ?? FALLBACK_MAX_DELAY_MS);
  if (BASE_AND_MAX.includes(strategy) || hasFallback) {
    if (num('base-delay') > fallbackMax) {
      const max =
        picked.given('max-delay') || !hasFallback
          ? picked.describe('max-delay', fallbackMax)
          : `the fallback's default max delay of ${formatDuration(fallbackMax)} (set --max-delay)`;
      throw new UsageError(`${picked.describe('base-delay', num('base-delay'))} must not exceed ${max}`);
    }
  }
  return fallbackMax;
}

/** The label inputs: from the file, then the flags (env sets none). */
function labelEntries(layers: Layers): Entry[] {
  return [...(layers.file?.active ?? []), ...layers.flags].filter((x) => x.key === 'label');
}

/** Labels from the file and the flags together, at most MAX_LABELS. */
function labelsOf(layers: Layers): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const e of labelEntries(layers)) {
    Object.assign(labels, checked(e, e.source.kind === 'file'));
  }
  if (Object.keys(labels).length > MAX_LABELS) throw new UsageError(`too many labels: at most ${MAX_LABELS}`);
  return labels;
}

/** Every strategy's parameters, each with its default when not set. */
function paramsOf(picked: Picked, fallbackMax: number): StrategyParams {
  const get = <T extends Value | undefined>(key: string): T => picked.get<T>(key);
  return {
    delayMs: get('delay') ?? 0,
    baseDelayMs: get('base-delay') ?? 0,
    multiplier: get('multiplier') ?? 2,
    maxDelayMs: get('max-delay') ?? Infinity,
    incrementMs: get('increment') ?? 0,
    exponent: get('exponent') ?? 2,
    fallback: get<FallbackName | undefined>('fallback') ?? 'exponential',
    fallbackParams: {
      baseDelayMs: get('base-delay') ?? 1000,
      multiplier: get('multiplier') ?? 2,
      maxDelayMs: fallbackMax,
      exponent: get('exponent') ?? 2,
    },
    learningRate: get('learning-rate') ?? 0.1,
    memoryWindow: get('memory-window') ?? 50,
    offsetsMs: get('retry-offsets') ?? [0],
  };
}

/** The entry's value, or a UsageError naming where it came from. */
function checked(e: Entry, fromFile: boolean): Value {
  const spec = findOption(e.key) as OptionSpec;
  const parsed = parseValue(spec, e.raw, fromFile);
  if (!parsed.ok) throw new UsageError(`invalid value for ${sourceName(e.source, e.key)}: ${parsed.problem}`);
  return parsed.value;
}
