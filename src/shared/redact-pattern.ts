// The operator's own redaction patterns (`redact_patterns`). They run on every field of
// every record, so each must be provably linear-time in the text's length. A conservative
// static check of the pattern source decides that; anything it cannot prove is refused:
//   - no backreferences and no lookarounds (they defeat every bound below);
//   - a group repeated more than once (`*`, `+`, `{2,}`) holds no quantifier and no `|`
//     (nested or ambiguous repetition is exponential: `(a+)+`, `(a|a)*`);
//   - an unbounded quantifier (`*`, `+`, `{n,}`) only as the very last element of the
//     pattern or of a top-level alternative (closing parentheses may follow it), so a
//     match attempt, once it reaches that run,
//     cannot fail after it and the scan resumes past the run (`token-\S+` is fine;
//     `\S+x` or `[a-z]+=` would rescan the same run from every start: quadratic);
//   - bounded choices (`?`, `{n,m}`, `|`) multiply to at most MAX_WEIGHT ways per start.
// Syntax is JavaScript's with the `u` flag; a leading `(?i)` makes it case-insensitive.
// With a capturing group, only the first group's text is masked (`--db-pass (\S+)` keeps
// the flag: `--db-pass ***`), otherwise the whole match.
import type { Redact } from './redact.ts';

export const MAX_PATTERNS = 32;
export const MAX_PATTERN_LENGTH = 256;
// Work per starting position is at most (combinations × longest match before the final
// run); these caps keep it to a few thousand steps.
const MAX_WEIGHT = 256;
const MAX_COUNT = 256;
const MAX_WORK = 20_000;
const MASK = '***';

export interface RedactPattern {
  readonly source: string;
  readonly regex: RegExp;
  /** Mask only the first capturing group. */
  readonly maskGroup: boolean;
}

export type PatternCheck =
  { readonly ok: true; readonly pattern: RedactPattern } | { readonly ok: false; readonly reason: string };

interface Group {
  readonly capturing: boolean;
  hasQuantifier: boolean;
  hasAlternation: boolean;
  alternatives: number;
  /** Characters the group's content can match at most (alternatives summed: an upper bound). */
  length: number;
}

/** Checks and compiles one pattern; the reason says what is refused and how to rewrite it. */
export function compileRedactPattern(source: string): PatternCheck {
  if (source === '') return fail('is empty');
  if (source.length > MAX_PATTERN_LENGTH) return fail(`is longer than ${MAX_PATTERN_LENGTH} characters`);
  const caseless = source.startsWith('(?i)');
  const body = caseless ? source.slice(4) : source;
  const shape = checkShape(body);
  if (typeof shape === 'string') return fail(shape);
  let regex: RegExp;
  try {
    regex = new RegExp(body, caseless ? 'dgiu' : 'dgu');
  } catch (err) {
    const why = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    return fail(`is not a valid JavaScript regular expression (u flag): ${why}`);
  }
  return { ok: true, pattern: { source, regex, maskGroup: shape.captures > 0 } };
}

const fail = (reason: string): PatternCheck => ({ ok: false, reason });

/**
 * The static linear-time check: a reason for refusal, or the number of capturing groups.
 * Long because it is one scanner over the pattern: each branch reads one kind of token, and
 * all of them share the group stack, the weight, the last atom and the unbounded flag.
 */
function checkShape(src: string): string | { captures: number } {
  const stack: Group[] = [
    { capturing: false, hasQuantifier: false, hasAlternation: false, alternatives: 1, length: 0 },
  ];
  let captures = 0;
  let weight = 1;
  let lastAtom: { group?: Group; length: number } | undefined;
  // Set once an unbounded quantifier is seen at the top level, until the next top-level `|`.
  let afterUnbounded = false;
  let i = 0;
  const top = (): Group => stack[stack.length - 1] as Group;
  const atom = (): string | undefined => {
    if (afterUnbounded) return UNBOUNDED_NOT_LAST;
    top().length += 1;
    lastAtom = { length: 1 };
    return undefined;
  };
  while (i < src.length) {
    const c = src.charAt(i);
    if (c === '\\') {
      const e = src.charAt(i + 1);
      if (/[1-9]/.test(e) || e === 'k')
        return 'uses a backreference, which can take exponential time; match the text itself instead';
      i += escapeLength(src, i);
      const bad = atom();
      if (bad) return bad;
      continue;
    }
    if (c === '[') {
      i = classEnd(src, i);
      const bad = atom();
      if (bad) return bad;
      continue;
    }
    if (c === '(') {
      if (afterUnbounded) return UNBOUNDED_NOT_LAST;
      let capturing = true;
      if (src.startsWith('(?', i)) {
        if (/^\(\?<?[=!]/.test(src.slice(i, i + 4)))
          return 'uses a lookahead or lookbehind, whose cost cannot be bounded; match the text itself instead';
        if (src.startsWith('(?:', i)) {
          capturing = false;
          i += 3;
        } else if (src.startsWith('(?<', i)) i = src.indexOf('>', i) < 0 ? src.length : src.indexOf('>', i) + 1;
        else return 'uses an inline flag group; only a leading (?i) is supported';
      } else i += 1;
      if (capturing) captures++;
      stack.push({ capturing, hasQuantifier: false, hasAlternation: false, alternatives: 1, length: 0 });
      continue;
    }
    if (c === ')') {
      if (stack.length === 1) return 'has an unmatched ")"';
      const g = stack.pop() as Group;
      weight *= g.alternatives;
      const parent = top();
      parent.hasQuantifier ||= g.hasQuantifier;
      parent.hasAlternation ||= g.hasAlternation;
      parent.length += g.length;
      i++;
      lastAtom = { group: g, length: g.length };
      continue;
    }
    if (c === '|') {
      // Only a top-level `|` ends what an unbounded run may be followed by: `(?:x+|y)z`
      // would still try z after x+.
      if (afterUnbounded && stack.length > 1) return UNBOUNDED_NOT_LAST;
      afterUnbounded = false;
      const g = top();
      g.hasAlternation = true;
      g.alternatives++;
      lastAtom = undefined;
      i++;
      continue;
    }
    const q = quantifierAt(src, i);
    if (q !== undefined) {
      if (lastAtom === undefined) return 'has a quantifier with nothing to repeat';
      if (lastAtom.group && q.max > 1 && (lastAtom.group.hasQuantifier || lastAtom.group.hasAlternation)) {
        return 'repeats a group that holds a quantifier or "|" (nested repetition can take exponential time); repeat a single character or class instead, e.g. [a-z0-9]+';
      }
      if (q.min > MAX_COUNT || (q.max !== Infinity && q.max > MAX_COUNT))
        return `has a repetition count above ${MAX_COUNT}`;
      if (q.max === Infinity) afterUnbounded = true;
      else {
        weight *= q.max - q.min + 1;
        top().length += lastAtom.length * Math.max(0, q.max - 1);
      }
      top().hasQuantifier = true;
      lastAtom = undefined;
      i += q.length;
      continue;
    }
    // ^ $ . and literal characters.
    i++;
    const bad = atom();
    if (bad) return bad;
  }
  if (stack.length > 1) return 'has an unclosed "("';
  weight *= (stack[0] as Group).alternatives;
  if (weight > MAX_WEIGHT || weight * (stack[0] as Group).length > MAX_WORK) {
    return `has too many optional parts, alternatives or long bounded repetitions (${weight} combinations of up to ${(stack[0] as Group).length} characters); make it more specific`;
  }
  return { captures };
}

const UNBOUNDED_NOT_LAST =
  'has an unbounded repetition (*, + or {n,}) that is not the last part of the pattern, which can take quadratic time; put it last (e.g. "secret-[A-Za-z0-9]+" or "--db-pass (\\S+)"), or bound it (e.g. [A-Za-z0-9]{1,64})';

function escapeLength(src: string, i: number): number {
  const e = src.charAt(i + 1);
  if ((e === 'p' || e === 'P' || e === 'u') && src.charAt(i + 2) === '{') {
    const close = src.indexOf('}', i + 3);
    return close < 0 ? src.length - i : close + 1 - i;
  }
  if (e === 'u') return 6;
  if (e === 'x') return 4;
  if (e === 'c') return 3;
  return 2;
}

/** The index just past the class that starts at `i` (escapes and a leading ] handled). */
function classEnd(src: string, i: number): number {
  let j = i + 1;
  if (src.charAt(j) === '^') j++;
  while (j < src.length) {
    const c = src.charAt(j);
    if (c === '\\') j += 2;
    else if (c === ']') return j + 1;
    else j++;
  }
  return j;
}

function quantifierAt(src: string, i: number): { min: number; max: number; length: number } | undefined {
  const c = src.charAt(i);
  let q: { min: number; max: number; length: number } | undefined;
  if (c === '*') q = { min: 0, max: Infinity, length: 1 };
  else if (c === '+') q = { min: 1, max: Infinity, length: 1 };
  else if (c === '?') q = { min: 0, max: 1, length: 1 };
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i, i + 24));
    if (m === null) return undefined;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' || m[3] === undefined ? Infinity : Number(m[3]);
    q = { min, max, length: m[0].length };
  }
  // A lazy `?` after a quantifier changes the order of tries, not their number.
  if (q !== undefined && src.charAt(i + q.length) === '?') q.length++;
  return q;
}

/** Masks every match (or its first group) with ***; empty matches mask nothing. */
export function applyRedactPattern(p: RedactPattern): Redact {
  return (text) => {
    const re = p.regex;
    re.lastIndex = 0;
    let out = '';
    let copied = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0] === '') {
        re.lastIndex++;
        continue;
      }
      const span = m.indices?.[p.maskGroup ? 1 : 0];
      if (span === undefined || span[0] === span[1] || span[0] < copied) continue;
      out += text.slice(copied, span[0]) + MASK;
      copied = span[1];
    }
    return copied === 0 ? text : out + text.slice(copied);
  };
}

/** Checks a list; the reason names the entry as redact_patterns[i] and quotes it. */
export function compileRedactPatterns(
  sources: readonly string[],
): { ok: true; patterns: RedactPattern[] } | { ok: false; reason: string } {
  if (sources.length > MAX_PATTERNS)
    return { ok: false, reason: `holds ${sources.length} patterns, at most ${MAX_PATTERNS}` };
  const patterns: RedactPattern[] = [];
  for (const [i, source] of sources.entries()) {
    const checked = compileRedactPattern(source);
    if (!checked.ok) return { ok: false, reason: `redact_patterns[${i}] ${JSON.stringify(source)} ${checked.reason}` };
    patterns.push(checked.pattern);
  }
  return { ok: true, patterns };
}
