// Text from the daemon on a terminal: commands, strategies and labels are whatever a
// client sent, so an escape sequence in one must not recolour, retitle or move the
// user's terminal. And columns line up by the cells a character takes, not by its code
// units: a CJK character takes two, a combining accent none.

// ESC [ … final byte (CSI, also its one-byte form U+009B), and ESC ] … BEL or ESC \ (OSC):
// removed whole, so that no half of a sequence is left behind as text.
const SEQUENCES =
  /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g;
// C0, DEL, C1, and the bidirectional overrides that can make text read backwards.
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const SPACES = /[\t\n\v\f\r]/g;

/** The text with escape sequences and control characters removed; line breaks and tabs become spaces. */
export function cleanText(text: string): string {
  return text.replace(SEQUENCES, '').replace(SPACES, ' ').replace(CONTROLS, '');
}

const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;

/** East Asian wide and fullwidth ranges, and the emoji blocks terminals draw two cells wide. */
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f900, 0x1f9ff],
  [0x1fa70, 0x1faff],
  [0x20000, 0x3fffd],
];

/** The terminal cells one character takes: 0, 1 or 2. */
export function charWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x300) return 1;
  if (ZERO_WIDTH.test(ch)) return 0;
  for (const [lo, hi] of WIDE) if (cp >= lo && cp <= hi) return 2;
  return 1;
}

/** The terminal cells a (clean) text takes. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch);
  return w;
}

/** The text cut to at most `width` cells, ending in … when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = charWidth(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

/** The text padded with spaces to `width` cells, on the right (left-aligned) or on the left. */
export function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'left' ? text + fill : fill + text;
}

// JSON.stringify escapes C0 but leaves C1 controls, bidirectional overrides and the line
// separators as they are; escaped, they are the same data and harmless on a terminal.
const JSON_UNSAFE = /[\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON text of a value that is safe to print on a terminal, and parses to the same value. */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    JSON_UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
