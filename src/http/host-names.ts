// Host names as the Host-header check compares them: in the WHATWG URL parser's canonical
// form, the one browsers put in the Host header (lower case, punycode, IPv4 as a dotted
// quad even when written "0x7f.1", IPv6 compressed and in brackets), without the port and
// without a trailing root dot. Pure, shared by the request guard and allowed_hosts.

/** Characters that never belong to a host[:port] and would make the URL parser read a path or user. */
const NOT_AUTHORITY = /[/?#@\\\s]/;

/** The canonical host of a Host header value ("Localhost:8080" → "localhost", "[::1]:80" → "[::1]"), or undefined if malformed. */
export function hostOfHeader(header: string): string | undefined {
  if (header === '' || NOT_AUTHORITY.test(header)) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${header}`);
  } catch {
    return undefined;
  }
  const host = url.hostname.replace(/\.$/, '');
  return host === '' ? undefined : host;
}

/** A host name or address as a user writes it in allowed_hosts or http_host ("::1" too), in canonical form. */
export function canonicalHost(name: string): string | undefined {
  const bracketed = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name;
  const host = hostOfHeader(bracketed);
  // A port would be dropped silently by the parser: refuse it instead.
  return host !== undefined && !/:\d*$/.test(bracketed.replace(/^\[.*\]/, '')) ? host : undefined;
}

/** localhost, 127.x.y.z, [::1] and [::ffff:127.x.y.z]: names only this host answers to. */
export function isLoopbackHost(host: string): boolean {
  return (
    host === 'localhost' ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === '[::1]' ||
    /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(host)
  );
}

/** 0.0.0.0 and [::] listen on every address: there is no one configured name to accept. */
export function isWildcardHost(host: string): boolean {
  return host === '0.0.0.0' || host === '[::]';
}
