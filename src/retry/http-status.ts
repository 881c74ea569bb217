// HTTP status lines in an attempt's output, for http-aware (docs/cli.md, "http-aware: HTTP
// status lines"): the last final response that curl -i / -v, wget -S or httpie printed,
// with its header lines so that the server's hints come from that response. Pure.

/**
 * How much of each stream is scanned, at its start and again at its end: the headers of
 * `curl -i` come before the body, and a command's own output may come before curl's. The
 * capture is up to 10 MiB per stream; two windows keep the scan cheap whatever it holds.
 */
export const STATUS_SCAN_CHARS = 64 * 1024;
/** A status line is short; longer lines are skipped without running the pattern. */
const MAX_STATUS_LINE = 1024;
/** The header lines kept after the status line, for the hints. */
const MAX_HEADER_LINES = 200;

// A status line starts a line, after nothing, whitespace (wget -S) or "< " (curl -v):
// "HTTP/1.1 429 Too Many Requests", "HTTP/2 503", "< HTTP/1.1 200 OK", "  HTTP/1.0 404".
// No nested quantifiers: the match is linear in the line's length.
const STATUS_LINE = /^([ \t]*(?:<[ \t]?)?)HTTP\/[0-9](?:\.[0-9])? ([1-5][0-9]{2})(?:[ \t][^\r\n]*)?$/;

export interface HttpResponse {
  /** 200..599: interim (1xx) responses are never returned. */
  status: number;
  /** Its status line and the header lines after it, as printed (prefixes kept). */
  head: string;
}

/**
 * The last final response in the output, or undefined when it has no status line. Stderr
 * is read first: the tools that print headers there (curl -v, wget -S) print the body on
 * stdout, where a body line might look like a status line; none prints a body on stderr.
 */
export function lastResponse(stdout: string, stderr: string): HttpResponse | undefined {
  return lastIn(stderr) ?? lastIn(stdout);
}

function lastIn(text: string): HttpResponse | undefined {
  // The end of the output first: a response found there comes after any at its start.
  for (const window of windows(text).reverse()) {
    const found = lastInLines(window.split('\n'));
    if (found) return found;
  }
  return undefined;
}

/** The whole text when short, else its first and last STATUS_SCAN_CHARS, in whole lines. */
export function windows(text: string): string[] {
  if (text.length <= 2 * STATUS_SCAN_CHARS) return [text];
  // A line cut by a window's edge is dropped: its part could pass for a status line.
  const head = text.slice(0, text.lastIndexOf('\n', STATUS_SCAN_CHARS) + 1);
  const from = text.length - STATUS_SCAN_CHARS;
  const tail = text[from - 1] === '\n' ? text.slice(from) : text.slice(text.indexOf('\n', from) + 1 || text.length);
  return [head, tail];
}

function lastInLines(lines: string[]): HttpResponse | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = withoutCr(lines[i] ?? '');
    if (line.length > MAX_STATUS_LINE) continue;
    const m = STATUS_LINE.exec(line);
    if (!m) continue;
    const status = Number(m[2]);
    if (status < 200) continue; // 100 Continue, 103 Early Hints: the final response follows
    return { status, head: headerBlock(lines, i, m[1] ?? '') };
  }
  return undefined;
}

/**
 * The status line at `at` and the header lines after it: those with the same prefix
 * (wget -S indents its headers, then prints its own unindented lines), up to the blank
 * line that ends them ("< " alone for curl -v).
 */
function headerBlock(lines: string[], at: number, prefix: string): string {
  const end = Math.min(lines.length, at + 1 + MAX_HEADER_LINES);
  let i = at + 1;
  for (; i < end; i++) {
    const line = withoutCr(lines[i] ?? '');
    if (!line.startsWith(prefix) || line.slice(prefix.length).trim() === '') break;
  }
  return lines.slice(at, i).join('\n');
}

const withoutCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);
