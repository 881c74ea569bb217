// RE2-style patterns (what the Go original accepted) translated to JavaScript RegExp.
// The output is always valid under the `u` flag, which matches RE2's code-point
// semantics. What JavaScript cannot express is a PatternError at start-up, never a
// silent mismatch: \C, \Z, (?U), flag groups like (?i:…), inline flags past the start.
// Backreferences and lookarounds are not RE2 syntax and are refused the same way.

export class PatternError extends Error {
  override readonly name = 'PatternError';
}

const PERL_CLASSES = 'dDsSwW';
const SIMPLE_ESCAPES: Record<string, string> = { a: '\\x07', f: '\\f', t: '\\t', n: '\\n', r: '\\r', v: '\\v' };
const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '\\x21-\\x7E',
  lower: 'a-z',
  print: '\\x20-\\x7E',
  punct: '\\x21-\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7E',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/** Compiles an RE2-style pattern; throws PatternError saying what cannot be used. */
export function compilePattern(source: string, caseInsensitive = false): RegExp {
  const flags = new Set<string>(caseInsensitive ? ['i'] : []);
  const t = new Translator(source);
  t.leadingFlags(flags);
  const body = t.translate();
  try {
    return new RegExp(body, [...flags].join('') + 'u');
  } catch (err) {
    const why = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    throw new PatternError(`invalid regular expression: ${why}`);
  }
}

class Translator {
  private i = 0;
  constructor(private readonly src: string) {}

  leadingFlags(flags: Set<string>): void {
    for (;;) {
      const m = /^\(\?([a-zA-Z-]+)\)/.exec(this.src.slice(this.i));
      if (!m) return;
      let on = true;
      for (const f of m[1] as string) {
        if (f === '-') on = false;
        else if (f === 'i' || f === 'm' || f === 's') {
          if (on) flags.add(f);
          else flags.delete(f);
        } else if (f === 'U')
          throw new PatternError(
            '(?U) (ungreedy mode) cannot be expressed in JavaScript; use lazy quantifiers such as *? instead',
          );
        else throw new PatternError(`unknown flag '${f}' in (?${m[1]})`);
      }
      this.i += m[0].length;
    }
  }

  translate(): string {
    let out = '';
    const src = this.src;
    while (this.i < src.length) {
      const c = src[this.i] as string;
      if (c === '\\') out += this.escape(false);
      else if (c === '[') out += this.charClass();
      else if (c === '(') out += this.group();
      else if (c === '{') {
        const rep = /^\{\d+(?:,\d*)?\}/.exec(src.slice(this.i));
        out += rep ? rep[0] : '\\x7B';
        this.i += rep ? rep[0].length : 1;
      } else {
        out += c === '}' ? '\\x7D' : c === ']' ? '\\x5D' : c;
        this.i++;
      }
    }
    return out;
  }

  private group(): string {
    const rest = this.src.slice(this.i);
    if (!rest.startsWith('(?')) {
      this.i++;
      return '(';
    }
    if (rest.startsWith('(?:')) {
      this.i += 3;
      return '(?:';
    }
    const named = /^\(\?P?<([^>]*)>/.exec(rest);
    if (named) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(named[1] as string)) {
        throw new PatternError(
          `group name '${named[1]}' cannot be used in JavaScript (use letters, digits and _, not starting with a digit)`,
        );
      }
      this.i += named[0].length;
      return `(?<${named[1]}>`;
    }
    if (/^\(\?(?:=|!|<=|<!)/.test(rest)) throw new PatternError('lookahead and lookbehind are not RE2 syntax');
    if (/^\(\?[a-zA-Z-]+\)/.test(rest)) {
      throw new PatternError('inline flags such as (?i) work only at the start of the pattern');
    }
    if (/^\(\?[a-zA-Z-]+:/.test(rest)) {
      throw new PatternError(
        'flag groups such as (?i:...) cannot be expressed in JavaScript; put (?i) at the start of the pattern',
      );
    }
    throw new PatternError(`unknown group syntax '${rest.slice(0, 4)}'`);
  }

  /** An escape at this.i (the backslash); inClass for inside [...]. */
  private escape(inClass: boolean): string {
    const src = this.src;
    const d = src[this.i + 1];
    if (d === undefined) throw new PatternError('trailing backslash at the end of the pattern');
    this.i += 2;
    if (PERL_CLASSES.includes(d)) return `\\${d}`;
    const simple = SIMPLE_ESCAPES[d];
    if (simple) return simple;
    if (d >= '0' && d <= '7') return this.octal(d);
    if (d === 'x') return this.hex();
    if (d === 'p' || d === 'P') return this.unicodeClass(d === 'P');
    if (!inClass) {
      if (d === 'b' || d === 'B') return `\\${d}`;
      if (d === 'A') return '(?<![\\s\\S])';
      if (d === 'z') return '(?![\\s\\S])';
      if (d === 'Q') return this.quoted();
      if (d === 'C') throw new PatternError('\\C (any byte) cannot be expressed in JavaScript');
      if (d === 'Z') throw new PatternError('\\Z is not RE2 syntax; use \\z or $');
    }
    if (/^[!-/:-@[-`{-~]$/.test(d)) return hexEscape(d.charCodeAt(0));
    if (d >= '8' && d <= '9') throw new PatternError(`backreference \\${d} is not RE2 syntax`);
    throw new PatternError(`invalid escape \\${d}`);
  }

  // Go: \1-\7 followed by no octal digit would be a backreference; \0 and \12 are octal.
  private octal(first: string): string {
    const m = /^[0-7]{0,2}/.exec(this.src.slice(this.i)) as RegExpExecArray;
    if (first !== '0' && m[0] === '') throw new PatternError(`backreference \\${first} is not RE2 syntax`);
    this.i += m[0].length;
    return hexEscape(parseInt(first + m[0], 8));
  }

  private hex(): string {
    const rest = this.src.slice(this.i);
    const braced = /^\{([0-9A-Fa-f]{1,6})\}/.exec(rest);
    const plain = /^[0-9A-Fa-f]{2}/.exec(rest);
    const m = braced ?? plain;
    if (!m) throw new PatternError('invalid hex escape: use \\xHH or \\x{HHHH}');
    const code = parseInt(braced ? (braced[1] as string) : m[0], 16);
    if (code > 0x10ffff) throw new PatternError(`\\x{${braced?.[1]}} is beyond the last code point`);
    this.i += m[0].length;
    return hexEscape(code);
  }

  private unicodeClass(negated: boolean): string {
    const rest = this.src.slice(this.i);
    const m = /^\{(\^?)([A-Za-z_]+)\}/.exec(rest) ?? /^()([A-Za-z])/.exec(rest);
    if (!m) throw new PatternError('invalid Unicode class: use \\pL or \\p{Greek}');
    this.i += m[0].length;
    const name = m[2] as string;
    const neg = negated !== (m[1] === '^');
    const js = /^[A-Z][a-z]?$/.test(name) || name === 'Any' ? name : `Script=${name}`;
    return `\\${neg ? 'P' : 'p'}{${js}}`;
  }

  private quoted(): string {
    const end = this.src.indexOf('\\E', this.i);
    const text = this.src.slice(this.i, end < 0 ? undefined : end);
    this.i = end < 0 ? this.src.length : end + 2;
    return [...text].map((ch) => (/^[\w\s]$/.test(ch) ? ch : hexEscape(ch.codePointAt(0) as number))).join('');
  }

  private charClass(): string {
    const src = this.src;
    // [[:^alpha:]] alone is the one negated POSIX form JavaScript can express: [^A-Za-z].
    const lone = /^\[\[:\^([a-z]+):\]\]/.exec(src.slice(this.i));
    const loneSet = lone ? POSIX[lone[1] as string] : undefined;
    if (lone && loneSet) {
      this.i += lone[0].length;
      return `[^${loneSet}]`;
    }
    let out = '[';
    this.i++;
    if (src[this.i] === '^') {
      out += '^';
      this.i++;
    }
    let first = true;
    for (;;) {
      const c = src[this.i];
      if (c === undefined) throw new PatternError('missing ] at the end of a character class');
      if (c === ']' && !first) {
        this.i++;
        return out + ']';
      }
      first = false;
      if (c === '[') {
        const posix = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(this.i));
        if (posix) {
          const set = POSIX[posix[2] as string];
          if (!set) throw new PatternError(`unknown character class [:${posix[2]}:]`);
          if (posix[1])
            throw new PatternError(
              `negated class [:^${posix[2]}:] cannot be used inside [...] in JavaScript; use [^[:${posix[2]}:]]`,
            );
          out += set;
          this.i += posix[0].length;
          continue;
        }
        out += '\\x5B';
        this.i++;
      } else if (c === '\\') out += this.escape(true);
      else {
        out += c === ']' ? '\\x5D' : c;
        this.i++;
      }
    }
  }
}

function hexEscape(code: number): string {
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}
