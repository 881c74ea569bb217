// Value types for the HTTP server's addresses: http_host (what to listen on) and
// allowed_hosts (which names a browser may use to reach it; see src/http/guard.ts).
import { canonicalHost } from '../../http/host-names.ts';
import type { Checked, ValueType } from './value-types.ts';

const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
const fail = <T>(reason: string): Checked<T> => ({ ok: false, reason });

/**
 * An address or name to listen on. Mistakes that would otherwise surface as a raw
 * getaddrinfo error ("999.1.1.1", a port, a URL) are said here, naming the fix.
 */
export function listenHost(): ValueType<string> {
  const check = (s: string): Checked<string> => {
    if (s === '') return fail('must not be empty');
    if (s.includes('/')) return fail('must be an IP address or host name without scheme or path, such as 127.0.0.1');
    const quad = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
    const bad = quad?.slice(1).find((o) => Number(o) > 255);
    if (bad !== undefined)
      return fail(`${bad} is not an IPv4 address byte (0..255); give an address of this host such as 127.0.0.1`);
    if (/^\[.*\]$/.test(s)) return check(s.slice(1, -1));
    if (/^[^:]*:\d*$/.test(s)) return fail('must not include a port: set http_port (-port) instead');
    return ok(s);
  };
  return {
    flagType: 'string',
    fromText: check,
    fromJson: (v) => (typeof v === 'string' ? check(v) : fail('must be a string')),
    show: (v) => v,
  };
}

const NAME = /^(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?$|^\[[0-9a-f:.]+\]$/;
const LIST_REASON =
  'must be a list of host names such as patience.example.com (comma-separated in env and flags, a JSON array in the file), or "*" for any';

/** One allowed_hosts entry in canonical form, or why not. */
function hostEntry(raw: string): Checked<string> {
  const entry = raw.trim();
  if (entry === '*') return ok('*');
  if (entry.includes('/'))
    return fail(`${JSON.stringify(entry)} is not a host name: give the name only, without scheme or path`);
  if (/^[^:[\]]*:\d*$/.test(entry) || /^\[.*\]:\d*$/.test(entry)) {
    return fail(`${JSON.stringify(entry)} holds a port: give the name only (any port is accepted)`);
  }
  const host = canonicalHost(entry);
  if (host === undefined || !NAME.test(host)) return fail(`${JSON.stringify(entry)} is not a host name or IP address`);
  return ok(host);
}

function hostEntries(entries: readonly string[]): Checked<readonly string[]> {
  const out: string[] = [];
  for (const e of entries) {
    const checked = hostEntry(e);
    if (!checked.ok) return checked;
    if (!out.includes(checked.value)) out.push(checked.value);
  }
  return ok(Object.freeze(out));
}

/** Extra Host names for the HTTP server, in canonical form; "*" accepts any Host. */
export function hostList(): ValueType<readonly string[]> {
  return {
    flagType: 'string',
    fromText: (s) => hostEntries(s.split(',').filter((e) => e.trim() !== '')),
    fromJson: (v) =>
      Array.isArray(v) && v.every((e): e is string => typeof e === 'string') ? hostEntries(v) : fail(LIST_REASON),
    show: (v) => v.join(','),
  };
}
