// A value from an untrusted document, shown in an error message: short, and never walked.
// JSON.stringify or String() of a parsed value recurses as deep as the document nests (one
// 300 KB line of `[` overflows the stack and, thrown from a socket handler, ends the
// daemon) or throws outright (String({"toString":1})). This looks at the top level only.
export function shownValue(v: unknown, max = 64): string {
  if (typeof v === 'string') return v.length > max ? `${JSON.stringify(v.slice(0, max))}…` : JSON.stringify(v);
  if (v === undefined) return 'nothing';
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return 'an object';
}
