// Diophantine: the delays come from the retry offsets (start times of the attempts,
// relative to the first), and a ledger of starts keeps the command inside
// rate-limit starts per window for its resource.
import type { Backoff } from './types.ts';

export interface DiophantineParams {
  /** Ascending start offsets in ms; a leading 0 is implied when absent. */
  offsetsMs: readonly number[];
}

/** Gaps between consecutive offsets; past the list the last gap repeats. */
export function offsetGaps(offsetsMs: readonly number[]): number[] {
  const starts = offsetsMs[0] === 0 ? [...offsetsMs] : [0, ...offsetsMs];
  const gaps: number[] = [];
  for (let i = 1; i < starts.length; i++) gaps.push((starts[i] as number) - (starts[i - 1] as number));
  return gaps;
}

export function diophantine(p: DiophantineParams): Backoff {
  const gaps = offsetGaps(p.offsetsMs);
  return { delay: (n) => gaps[Math.min(n, gaps.length) - 1] ?? 0 };
}

export type Admission = { ok: true; starts: number[] } | { ok: false; waitUntil: number };

/**
 * Whether one more start at `now` fits: at most rateLimit starts in any window. On
 * success the returned ledger has the new start and only the starts still in the window.
 */
export function admit(starts: readonly number[], now: number, rateLimit: number, windowMs: number): Admission {
  const live = starts.filter((t) => t > now - windowMs).sort((a, b) => a - b);
  if (live.length < rateLimit) return { ok: true, starts: [...live, now] };
  // The oldest starts must age out until one slot is free.
  const freeing = live[live.length - rateLimit] as number;
  return { ok: false, waitUntil: freeing + windowMs };
}

/** --resource-id when given; else the URL host for curl/wget, database for psql/mysql, else cmd-<program>. */
export function deriveResourceId(command: readonly string[]): string {
  const program = (command[0] ?? '').split('/').pop() ?? '';
  if (program === 'curl' || program === 'wget') {
    for (const arg of urlArguments(command.slice(1), program === 'curl' ? CURL_VALUE_OPTIONS : WGET_VALUE_OPTIONS)) {
      const host = urlHost(arg);
      if (host) return host;
    }
  }
  if (program === 'psql' || program === 'mysql') return 'database';
  return `cmd-${program}`;
}

// Options whose value is the next word (or the rest of a short cluster). Their values are
// never the resource: a header (-H 'Host: x', an Authorization value), a proxy (-x URL),
// a referer, a user, data, a file. Only --url's value is a URL to fetch.
const CURL_VALUE_OPTIONS = {
  short: 'AbcCdDeEFHKmoPQrTuUwxXyYz',
  long: new Set([
    'header',
    'proxy',
    'preproxy',
    'referer',
    'user',
    'proxy-user',
    'user-agent',
    'cookie',
    'cookie-jar',
    'data',
    'data-raw',
    'data-binary',
    'data-urlencode',
    'data-ascii',
    'json',
    'form',
    'form-string',
    'output',
    'dump-header',
    'upload-file',
    'request',
    'config',
    'max-time',
    'connect-timeout',
    'retry',
    'retry-delay',
    'retry-max-time',
    'resolve',
    'connect-to',
    'cacert',
    'capath',
    'cert',
    'key',
    'oauth2-bearer',
    'write-out',
    'range',
    'interface',
    'proxy-header',
    'noproxy',
    'unix-socket',
    'abstract-unix-socket',
    'doh-url',
    'variable',
    'expand-url',
  ]),
};
const WGET_VALUE_OPTIONS = {
  short: 'eoaOtTwQPUlADRIXiB',
  long: new Set([
    'header',
    'referer',
    'user',
    'password',
    'http-user',
    'http-password',
    'user-agent',
    'output-document',
    'post-data',
    'post-file',
    'load-cookies',
    'save-cookies',
    'execute',
    'input-file',
    'base',
    'proxy-user',
    'proxy-password',
  ]),
};

/** The words of a curl/wget command line that are URLs to fetch, in order. */
function urlArguments(args: readonly string[], valueOptions: { short: string; long: ReadonlySet<string> }): string[] {
  const urls: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      urls.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      if (name === 'url') {
        if (eq >= 0) urls.push(arg.slice(eq + 1));
        else if (i + 1 < args.length) urls.push(args[++i] as string);
      } else if (eq < 0 && valueOptions.long.has(name)) i++;
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      // A cluster such as -fsSH: the first letter that takes a value takes the rest, or the next word.
      for (let j = 1; j < arg.length; j++) {
        if (valueOptions.short.includes(arg[j] as string)) {
          if (j === arg.length - 1) i++;
          break;
        }
      }
      continue;
    }
    urls.push(arg);
  }
  return urls;
}

function urlHost(arg: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) return undefined;
  try {
    return new URL(arg).hostname || undefined;
  } catch {
    return undefined;
  }
}
