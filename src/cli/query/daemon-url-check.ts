// A daemon URL is checked the same way wherever it comes from (--daemon-url,
// PATIENCE_DAEMON_URL, daemon_url in the config file), and shown without credentials:
// http://user:secret@host/ must never put `secret` in a message.

/** Why a text cannot be the daemon's URL, or undefined when it can: http(s), a host, no query or fragment. */
export function daemonUrlProblem(raw: unknown): string | undefined {
  const example = 'such as http://127.0.0.1:8080';
  if (typeof raw !== 'string')
    return `must be a URL ${example}, got ${typeof raw === 'object' ? 'a table' : String(raw)}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `must be an http:// or https:// URL ${example}, got ${JSON.stringify(withoutCredentials(raw))}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `must be an http:// or https:// URL ${example}, got ${JSON.stringify(withoutCredentials(raw))}`;
  if (url.hostname === '') return `must name a host, got ${JSON.stringify(withoutCredentials(raw))}`;
  if (url.search !== '' || url.hash !== '')
    return `must have no query or fragment, got ${JSON.stringify(withoutCredentials(raw))}`;
  return undefined;
}

/** The text with any user:password@ of a URL in it replaced by ***@. */
export function withoutCredentials(text: string): string {
  return text.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, '$1***@');
}

/** The URL as messages show it: scheme, host, port and path, never the credentials; no trailing slash. */
export function shownUrl(url: URL): string {
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}`;
}
