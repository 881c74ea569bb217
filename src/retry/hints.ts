// Server hints for http-aware: how long the server asked us to wait, read from the
// attempt's output (curl -i / -v headers, or a JSON body). Searched in stdout, then
// stderr, the first 10 KiB of each, in this order: Retry-After (seconds or HTTP-date),
// X-RateLimit-Reset (unix seconds), then JSON keys (nested objects included). When the
// output shows an HTTP response (http-status.ts), the two headers are read from the last
// response's own header lines only: after a redirect, the first response's Retry-After
// says nothing about the last one.

export const HINT_SCAN_CHARS = 10 * 1024;
export const JSON_HINT_KEYS = [
  'retry_after',
  'retry_after_seconds',
  'retryAfter',
  'retryAfterSeconds',
  'retry_in',
] as const;

// Header lines as curl prints them: "Retry-After: 5", "< Retry-After: 5" (-v), CRLF endings.
const RETRY_AFTER = /^[\s<>*]*retry-after[ \t]*:[ \t]*(.*?)\s*$/i;
const RATELIMIT_RESET = /^[\s<>*]*x-ratelimit-reset[ \t]*:[ \t]*(\d+(?:\.\d+)?)\s*$/i;
const SECONDS = /^\d+(?:\.\d+)?$/;
// At most this many candidate objects are parsed, so hostile output stays cheap.
const MAX_JSON_CANDIDATES = 64;

/**
 * The hint in ms (> 0), or undefined when the output gives none. lastHead: the last HTTP
 * response's status and header lines, when the output shows one.
 */
export function findHint(stdout: string, stderr: string, nowMs: number, lastHead?: string): number | undefined {
  const texts = [stdout.slice(0, HINT_SCAN_CHARS), stderr.slice(0, HINT_SCAN_CHARS)];
  const headerTexts = lastHead === undefined ? texts : [lastHead.slice(0, HINT_SCAN_CHARS)];
  const searches: Array<[(text: string, nowMs: number) => number | undefined, string[]]> = [
    [retryAfter, headerTexts],
    [rateLimitReset, headerTexts],
    [jsonHint, texts],
  ];
  for (const [find, within] of searches) {
    for (const text of within) {
      const ms = find(text, nowMs);
      if (ms !== undefined && ms > 0 && Number.isFinite(ms)) return ms;
    }
  }
  return undefined;
}

export function retryAfter(text: string, nowMs: number): number | undefined {
  for (const line of text.split('\n')) {
    const m = RETRY_AFTER.exec(line);
    if (!m) continue;
    const value = m[1] ?? '';
    if (SECONDS.test(value)) {
      if (Number(value) > 0) return Number(value) * 1000;
      continue;
    }
    // An HTTP-date, e.g. "Wed, 21 Oct 2015 07:28:00 GMT": the wait is date − now.
    if (!/[a-z]{3}/i.test(value)) continue;
    const at = Date.parse(value);
    if (Number.isFinite(at) && at > nowMs) return at - nowMs;
  }
  return undefined;
}

export function rateLimitReset(text: string, nowMs: number): number | undefined {
  for (const line of text.split('\n')) {
    const m = RATELIMIT_RESET.exec(line);
    if (!m) continue;
    const at = Number(m[1]) * 1000;
    if (at > nowMs) return at - nowMs;
  }
  return undefined;
}

export function jsonHint(text: string): number | undefined {
  let from = 0;
  for (let tries = 0; tries < MAX_JSON_CANDIDATES; tries++) {
    const start = text.indexOf('{', from);
    if (start < 0) return undefined;
    const end = matchingBrace(text, start);
    if (end < 0) return undefined; // no complete object from here on
    let value: unknown;
    try {
      value = JSON.parse(text.slice(start, end + 1));
    } catch {
      from = start + 1; // maybe an object starts inside
      continue;
    }
    const seconds = searchKeys(value);
    if (seconds !== undefined) return seconds * 1000;
    from = end + 1;
  }
  return undefined;
}

/** Index of the brace closing the object that opens at `start`, skipping strings; -1 if none. */
function matchingBrace(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Breadth first, so a top-level key wins over a nested one; positive seconds only. */
function searchKeys(root: unknown): number | undefined {
  const queue: unknown[] = [root];
  while (queue.length > 0) {
    const node = queue.shift();
    if (typeof node !== 'object' || node === null) continue;
    if (!Array.isArray(node)) {
      const obj = node as Record<string, unknown>;
      for (const key of JSON_HINT_KEYS) {
        const seconds = toSeconds(obj[key]);
        if (seconds !== undefined) return seconds;
      }
    }
    queue.push(...Object.values(node));
  }
  return undefined;
}

function toSeconds(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
  if (typeof v === 'string' && SECONDS.test(v.trim()) && Number(v) > 0) return Number(v);
  return undefined;
}
