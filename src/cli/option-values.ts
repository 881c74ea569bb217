// Turns one raw input (a flag's text, an env var, a TOML value) into a typed value, or
// says what is wrong with it. The same rules and wording for every strategy and source.
import { parseGoDuration } from '../shared/duration.ts';
import { parseCodes, type CodeSet } from '../retry/codes.ts';
import { FALLBACK_NAMES, resolveFallback, type FallbackName } from '../retry/strategies/index.ts';
import type { OptionSpec } from './options.ts';

export type Value = number | boolean | string | CodeSet | number[] | FallbackName | Record<string, string>;

export type Source =
  | { kind: 'default' }
  | { kind: 'flag'; flag: string }
  | { kind: 'env'; name: string }
  | { kind: 'file'; file: string; key: string; line: number | undefined };

/** One input for one option, before it is checked. */
export interface Entry {
  key: string;
  raw: unknown;
  source: Source;
}

export type Parsed = { ok: true; value: Value } | { ok: false; problem: string };

export const MAX_LABELS = 32;
const INT = /^[+-]?\d+$/;
const FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

/** How an input is named in an error: the flag, the env var, or the key with file and line. */
export function sourceName(s: Source, key: string): string {
  switch (s.kind) {
    case 'default':
      return `--${key} (default)`;
    case 'flag':
      return s.flag;
    case 'env':
      return s.name;
    case 'file':
      return `${s.key} in ${s.file}${s.line === undefined ? '' : ` line ${s.line}`}`;
  }
}

export function show(raw: unknown): string {
  if (typeof raw === 'string') return JSON.stringify(raw);
  if (Array.isArray(raw) || (typeof raw === 'object' && raw !== null)) return JSON.stringify(raw);
  return String(raw);
}

export function parseValue(spec: OptionSpec, raw: unknown, fromFile: boolean): Parsed {
  const parsed = parseKind(spec, raw, fromFile);
  if (!parsed.ok) return parsed;
  const problem = check(spec.key, parsed.value);
  return problem ? { ok: false, problem } : parsed;
}

function parseKind(spec: OptionSpec, raw: unknown, fromFile: boolean): Parsed {
  const got = `got ${show(raw)}`;
  switch (spec.kind) {
    case 'int':
      if (typeof raw === 'number' && Number.isInteger(raw)) return ok(raw);
      if (typeof raw === 'string' && INT.test(raw)) return ok(Number(raw));
      return bad(`must be a whole number, ${got}`);
    case 'float':
      if (typeof raw === 'number' && Number.isFinite(raw)) return ok(raw);
      if (typeof raw === 'string' && FLOAT.test(raw)) return ok(Number(raw));
      return bad(`must be a decimal number such as 2.0, ${got}`);
    case 'duration':
      return duration(raw, fromFile);
    case 'bool':
      if (typeof raw === 'boolean') return ok(raw);
      if (typeof raw === 'string' && !fromFile) {
        const v = raw.toLowerCase();
        if (TRUE.includes(v)) return ok(true);
        if (FALSE.includes(v)) return ok(false);
      }
      return bad(`must be true or false, ${got}`);
    case 'pattern':
    case 'text':
      if (typeof raw === 'string' && raw !== '') return ok(raw);
      return bad(`must be a non-empty string, ${got}`);
    case 'codes': {
      const text = Array.isArray(raw) && raw.every((c) => Number.isInteger(c)) ? raw.join(',') : raw;
      if (typeof text !== 'string') return bad(`must be a list of exit codes such as "1,75,100-110", ${got}`);
      const codes = parseCodes(text);
      return typeof codes === 'string' ? bad(codes) : ok(codes);
    }
    case 'offsets':
      return offsets(raw, fromFile);
    case 'fallback': {
      const name = typeof raw === 'string' ? resolveFallback(raw) : undefined;
      return name ? ok(name) : bad(`must be one of ${FALLBACK_NAMES.join(', ')}, ${got}`);
    }
    case 'labels':
      return labels(raw);
  }
}

function duration(raw: unknown, fromFile: boolean): Parsed {
  if (fromFile && raw === 0) return ok(0);
  if (typeof raw !== 'string') return bad(`must be a duration string such as "30s", got ${show(raw)}`);
  const ms = parseGoDuration(raw);
  if (ms !== undefined) return ok(ms);
  if (FLOAT.test(raw)) return bad(`${show(raw)} has no unit: write ${raw}s, ${raw}ms or ${raw}m`);
  return bad(`${show(raw)} is not a duration such as 500ms, 1.5s, 2m or 1h30m`);
}

function offsets(raw: unknown, fromFile: boolean): Parsed {
  const parts = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',').map((p) => p.trim()) : undefined;
  if (!parts || parts.length === 0) return bad(`must be a list of durations such as "0,10m,30m", got ${show(raw)}`);
  const list: number[] = [];
  for (const part of parts) {
    const d = duration(part, fromFile);
    if (!d.ok) return bad(`offset ${d.problem}`);
    const ms = d.value as number;
    if (ms < 0) return bad(`offsets must not be negative, got ${show(part)}`);
    if (list.length > 0 && ms < (list.at(-1) as number))
      return bad(`offsets must be in ascending order, got ${show(raw)}`);
    list.push(ms);
  }
  return ok(list);
}

function labels(raw: unknown): Parsed {
  const out: Record<string, string> = {};
  const pairs: Array<[string, unknown]> = [];
  if (Array.isArray(raw)) {
    for (const item of raw) {
      const text = String(item);
      const eq = text.indexOf('=');
      if (eq <= 0) return bad(`must be KEY=VALUE, got ${show(text)}`);
      pairs.push([text.slice(0, eq), text.slice(eq + 1)]);
    }
  } else if (typeof raw === 'object' && raw !== null) pairs.push(...Object.entries(raw));
  else return bad(`must be a table of label = "value", got ${show(raw)}`);
  for (const [k, v] of pairs) {
    if (typeof v !== 'string') return bad(`label ${k} must be a string, got ${show(v)}`);
    if (!/^[A-Za-z0-9_.\/-]{1,128}$/.test(k))
      return bad(`label name ${show(k)} must be 1..128 letters, digits or _.-/`);
    if (v.length > 1024) return bad(`label ${k} is longer than 1024 characters`);
    out[k] = v;
  }
  if (Object.keys(out).length > MAX_LABELS) return bad(`at most ${MAX_LABELS} labels`);
  return ok(out);
}

/** Range rules, by option. */
function check(key: string, v: Value): string | undefined {
  const n = v as number;
  switch (key) {
    case 'attempts':
      return n >= 1 && n <= 1000 ? undefined : `must be from 1 to 1000, got ${n}`;
    case 'memory-window':
      return n >= 1 && n <= 10_000 ? undefined : `must be from 1 to 10000, got ${n}`;
    case 'rate-limit':
      return n > 0 ? undefined : `must be greater than 0, got ${n}`;
    case 'window':
      return n > 0 ? undefined : 'must be greater than 0';
    case 'daemon-timeout':
      return n >= 1 && n <= 60_000 ? undefined : 'must be from 1ms to 60s (the default is 200ms)';
    case 'multiplier':
      return n > 0 ? undefined : `must be greater than 0, got ${n}`;
    case 'exponent':
      return n >= 0 ? undefined : `must not be negative, got ${n}`;
    case 'learning-rate':
      return n > 0 && n <= 1 ? undefined : `must be greater than 0 and at most 1, got ${n}`;
    default:
      return typeof v === 'number' && v < 0 ? 'must not be negative' : undefined;
  }
}

const ok = (value: Value): Parsed => ({ ok: true, value });
const bad = (problem: string): Parsed => ({ ok: false, problem });
