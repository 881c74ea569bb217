// Exit-code lists for --retry-on and --stop-on: "1,75,100-110".

export interface CodeSet {
  readonly text: string;
  has(code: number): boolean;
}

/** Parses a list of codes and ranges (0..255); returns an error message when invalid. */
export function parseCodes(text: string): CodeSet | string {
  const ranges: Array<[number, number]> = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const m = /^(\d{1,3})(?:-(\d{1,3}))?$/.exec(part);
    if (!m) return `"${part}" is not an exit code or a range such as 100-110`;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo > 255 || hi > 255) return `exit codes go from 0 to 255, got ${part}`;
    if (lo > hi) return `range ${part} is reversed`;
    ranges.push([lo, hi]);
  }
  return { text, has: (code) => ranges.some(([lo, hi]) => code >= lo && code <= hi) };
}
