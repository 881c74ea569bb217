// Value types for patienced's configuration: each one reads the same setting from text (env
// vars, flags) and from JSON (the config file), and says what was wrong in words a user can act on.
import { formatGoDuration, parseGoDuration } from '../../shared/duration.ts';
import { compileRedactPatterns } from '../../shared/redact-pattern.ts';

export type Checked<T> =
  /** warning: the value is taken, but probably not what was meant; logged at start-up. */
  { readonly ok: true; readonly value: T; readonly warning?: string } | { readonly ok: false; readonly reason: string };

export interface ValueType<T> {
  /** How Go's flag usage names the type: "-port int", "-socket string"; booleans show nothing. */
  readonly flagType: 'string' | 'int' | 'duration' | 'bool';
  fromText(text: string): Checked<T>;
  fromJson(value: unknown): Checked<T>;
  /** The value as a user would write it: "8080", "24h0m0s", "0660", "" for unset. */
  show(value: T): string;
}

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const fail = <T>(reason: string): Checked<T> => ({ ok: false, reason });

/** A required string such as a path or host name. */
export function text(): ValueType<string> {
  const check = (s: string): Checked<string> => (s === '' ? fail('must not be empty') : ok(s));
  return {
    flagType: 'string',
    fromText: check,
    fromJson: (v) => (typeof v === 'string' ? check(v) : fail('must be a string')),
    show: (v) => v,
  };
}

/** A string that may be left unset: empty (or null in the file) means unset. */
export function optionalText(): ValueType<string | undefined> {
  return {
    flagType: 'string',
    fromText: (s) => ok(s === '' ? undefined : s),
    fromJson: (v) =>
      v === null
        ? ok(undefined)
        : typeof v === 'string'
          ? ok(v === '' ? undefined : v)
          : fail('must be a string or null'),
    show: (v) => v ?? '',
  };
}

/** A decimal integer in min..max (Go's strconv.Atoi syntax; no hex, no spaces). */
export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER): ValueType<number> {
  const reason = max === Number.MAX_SAFE_INTEGER ? `must be an integer >= ${min}` : `must be an integer ${min}..${max}`;
  const check = (n: number): Checked<number> =>
    Number.isSafeInteger(n) && n >= min && n <= max ? ok(n) : fail(reason);
  return {
    flagType: 'int',
    fromText: (s) => (/^[+-]?\d+$/.test(s) ? check(Number(s)) : fail(reason)),
    fromJson: (v) => (typeof v === 'number' ? check(v) : fail(reason)),
    show: (v) => String(v),
  };
}

const TRUE_WORDS = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE_WORDS = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Go's strconv.ParseBool: 1, t, T, TRUE, true, True and their false counterparts. */
export function parseGoBool(s: string): boolean | undefined {
  if (TRUE_WORDS.has(s)) return true;
  if (FALSE_WORDS.has(s)) return false;
  return undefined;
}

export function boolean(): ValueType<boolean> {
  return {
    flagType: 'bool',
    fromText: (s) => {
      const b = parseGoBool(s);
      return b === undefined ? fail('must be true or false (or 1, 0, t, f)') : ok(b);
    },
    fromJson: (v) => (typeof v === 'boolean' ? ok(v) : fail('must be true or false (a JSON boolean)')),
    show: (v) => String(v),
  };
}

// Go's time.Duration is an int64 of nanoseconds: nothing longer can be written back.
const MAX_DURATION_MS = 9_223_372_036_854.775;
const DURATION_SYNTAX = 'must be a duration such as 24h, 90m, 1h30m or 500ms';

function durationInRange(ms: number, minMs: number): Checked<number> {
  if (ms <= 0) return fail('must be greater than 0');
  if (ms < minMs) return fail(`must be at least ${formatGoDuration(minMs)}`);
  if (ms > MAX_DURATION_MS) return fail('must be at most 2562047h47m16s');
  return ok(ms);
}

/** Whole seconds as a short Go duration: 3600 → "1h", 90 → "1m30s". */
function secondsText(n: number): string {
  const parts: string[] = [];
  const h = Math.floor(n / 3600);
  const m = Math.floor((n % 3600) / 60);
  const s = n % 60;
  if (h > 0) parts.push(`${h}h`);
  if (m > 0) parts.push(`${m}m`);
  if (s > 0 || parts.length === 0) parts.push(`${s}s`);
  return parts.join('');
}

/**
 * A Go duration, held in milliseconds, > 0 and >= minMs. In JSON an integer is nanoseconds,
 * as Go writes it, so `"metrics_max_age": 3600` is 3.6µs: almost surely meant as seconds.
 * Under one second such an integer is refused when below minMs, else taken with a warning.
 */
export function duration(minMs = 0): ValueType<number> {
  const fromText = (s: string): Checked<number> => {
    const ms = parseGoDuration(s);
    return ms === undefined ? fail(DURATION_SYNTAX) : durationInRange(ms, minMs);
  };
  const fromNanoseconds = (ns: number): Checked<number> => {
    const ms = ns / 1e6;
    if (ns <= 0 || ms >= 1000) return durationInRange(ms, minMs);
    const hint = `${ns} is ${formatGoDuration(ms)} (an integer is nanoseconds, as Go writes it); if you meant ${ns} seconds write "${secondsText(ns)}"`;
    if (ms < minMs) return fail(hint);
    const checked = durationInRange(ms, minMs);
    return checked.ok ? { ...checked, warning: hint } : checked;
  };
  return {
    flagType: 'duration',
    fromText,
    fromJson: (v) => {
      if (typeof v === 'string') return fromText(v);
      if (typeof v === 'number' && Number.isInteger(v)) return fromNanoseconds(v);
      return fail(`${DURATION_SYNTAX}, or an integer number of nanoseconds`);
    },
    show: formatGoDuration,
  };
}

/** One of a fixed set of words, compared without regard to case and kept in lower case. */
export function oneOf<T extends string>(choices: readonly T[]): ValueType<T> {
  const reason = `must be one of ${choices.join(', ')}`;
  const check = (s: string): Checked<T> => {
    const found = choices.find((c) => c === s.toLowerCase());
    return found === undefined ? fail(reason) : ok(found);
  };
  return {
    flagType: 'string',
    fromText: check,
    fromJson: (v) => (typeof v === 'string' ? check(v) : fail(reason)),
    show: (v) => v,
  };
}

/** A file mode written in octal ("0660", "660"), 0..0777; a JSON number would be ambiguous. */
export function octalMode(): ValueType<number> {
  const reason = 'must be an octal file mode 0..0777 written as a string, such as "0660" or "0600"';
  const check = (s: string): Checked<number> => {
    if (!/^[0-7]{1,4}$/.test(s)) return fail(reason);
    const mode = Number.parseInt(s, 8);
    return mode <= 0o777 ? ok(mode) : fail(reason);
  };
  return {
    flagType: 'string',
    fromText: check,
    fromJson: (v) => (typeof v === 'string' ? check(v) : fail(reason)),
    show: (v) => `0${v.toString(8).padStart(3, '0')}`,
  };
}

/**
 * redact_patterns: regular expressions checked for linear time (see shared/redact-pattern.ts).
 * In the file a JSON array of strings; as text (env, flag) a JSON array when it starts with
 * "[", else one pattern per line (blank lines ignored).
 */
export function redactPatterns(): ValueType<readonly string[]> {
  const check = (list: readonly string[]): Checked<readonly string[]> => {
    const compiled = compileRedactPatterns(list);
    return compiled.ok ? ok(Object.freeze([...list])) : fail(compiled.reason);
  };
  const fromJson = (v: unknown): Checked<readonly string[]> => {
    if (!Array.isArray(v) || !v.every((p): p is string => typeof p === 'string'))
      return fail('must be an array of strings (regular expressions)');
    return check(v);
  };
  return {
    flagType: 'string',
    fromText: (s) => {
      if (!s.trimStart().startsWith('[')) return check(s.split(/\r?\n/).filter((line) => line.trim() !== ''));
      try {
        return fromJson(JSON.parse(s) as unknown);
      } catch (err) {
        return fail(
          `starts with "[" but is not a JSON array (${(err as Error).message}); a pattern that starts with "[" must be given inside one: ["[A-Z]{4}-[0-9]+"]`,
        );
      }
    },
    fromJson,
    show: (v) => (v.length === 0 ? '' : JSON.stringify(v)),
  };
}
