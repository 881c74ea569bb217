// Random pieces for the fuzz suite (test/security/fuzz.test.ts), all drawn from one seeded
// generator (seeded.ts) so that a failing run is repeated by its seed.
import * as L from '../../src/shared/record-limits.ts';

export type Rng = () => number;

export const int = (r: Rng, min: number, max: number): number => min + Math.floor(r() * (max - min + 1));
export const chance = (r: Rng, p: number): boolean => r() < p;
export function pick<T>(r: Rng, items: readonly T[]): T {
  const item = items[Math.floor(r() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** Characters that stress encoders: controls, escapes, astral, lone surrogates, line separators. */
const ODD = [
  '\u0000',
  '\u0001',
  '\u001f',
  '\u007f',
  '\u0085',
  '\t',
  '\n',
  '\r',
  '"',
  '\\',
  '/',
  '\u2028',
  '\u2029',
  '\ufeff',
  '\ufffd',
  'é',
  '漢',
  '😀',
  '\ud800',
  '\udfff',
  '<script>',
  '%00',
  '${x}',
  "'",
];

/** Random text of exactly `length` UTF-16 code units (a cut pair leaves a lone surrogate, which is still text). */
export function text(r: Rng, length: number): string {
  let s = '';
  while (s.length < length) {
    if (chance(r, 0.15)) s += pick(r, ODD);
    else s += String.fromCharCode(int(r, 0x20, 0x7e));
  }
  return s.slice(0, length);
}

/** A length in 0..max, often at the edges. */
export function length(r: Rng, max: number, min = 0): number {
  const roll = r();
  if (roll < 0.1) return max;
  if (roll < 0.15) return min;
  return int(r, min, Math.min(max, 40));
}

const KEY_CHARS = 'ABCXYZabcxyz0189_./-';
/** A valid label key. It ends in a digit so that it never reads like a credential (redaction masks those). */
export function labelKey(r: Rng): string {
  const roll = r();
  if (roll < 0.05) return '__proto__';
  if (roll < 0.1) return pick(r, ['constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf']);
  const n = chance(r, 0.05) ? L.MAX_LABEL_KEY_LENGTH - 1 : int(r, 0, 12);
  let k = '';
  for (let i = 0; i < n; i++) k += pick(r, [...KEY_CHARS]);
  return `${k}${int(r, 0, 9)}`;
}

/** A number in [min, max]: the edges, integers, fractions, tiny ones. */
export function number(r: Rng, min: number, max: number): number {
  const roll = r();
  if (roll < 0.1) return min;
  if (roll < 0.2) return max;
  if (roll < 0.3) return min === 0 ? 5e-324 : min;
  if (roll < 0.6) return int(r, min, Math.min(max, 1000));
  return min + r() * (max - min);
}

/** `[[[…]]]` nested `depth` deep, as JSON text. */
export const deepArrayText = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
