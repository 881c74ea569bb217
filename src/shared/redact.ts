// Replaces values that look like credentials in a command line with ***.
// Every pattern is linear-time: a fixed anchor (a keyword or "://") followed by one
// greedy character class, with no nested or overlapping quantifiers, so a hostile
// 1 MiB command cannot stall the daemon's event loop.

const MASK = '***';

// Header-style secrets: "Authorization: Bearer abc", "X-Api-Key: abc", "Cookie: a=b".
const HEADER =
  /\b((?:proxy-)?authorization|x-api-key|api-key|x-auth-token|x-access-token|private-token|cookie|set-cookie)(\s*:\s*)[^"'\n\r]*/gi;

// URL user info: scheme://user:password@host, and scheme://token@host.
const URL_USERINFO = /([a-z][a-z0-9+.-]{0,30}:\/\/)[^\s/@"'?#]+@/gi;

// key=value and --key=value (also in query strings): password=..., token=...
const KEY_VALUE =
  /\b([a-z0-9_-]{0,40}(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|auth|credentials?|private[_-]?key|session))(=|:(?!\/\/))[^\s&"';]+/gi;

// --password VALUE, --token VALUE (the value as the next word).
const FLAG_SPACE =
  /(--?(?:[a-z0-9-]{0,40}(?:password|passwd|secret|token|api-key|apikey|access-key|credentials?|private-key)))(\s+)(?!-)[^\s"']+/gi;

// curl/wget style user:password: -u user:pw, --user user:pw, --user=user:pw
const USER_FLAG = /((?:^|\s)(?:-u|--user|--proxy-user|--http-password)(?:\s+|=)?)[^\s"']+/g;

// Cheap tests that rule a pattern out before it runs: the daemon redacts every record it
// receives, and most commands hold no credential at all.
const KEYWORD = /password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|auth|credential|private[_-]?key|session/i;
const USER_FLAG_HINT = /(?:^|\s)(?:-u|--user|--proxy-user|--http-password)/;

export function redact(command: string): string {
  let out = command;
  if (out.includes(':')) out = out.replace(HEADER, (_m, name: string, sep: string) => `${name}${sep}${MASK}`);
  if (out.includes('@') && out.includes('://')) out = out.replace(URL_USERINFO, (_m, scheme: string) => `${scheme}${MASK}@`);
  if (KEYWORD.test(out)) {
    out = out
      .replace(KEY_VALUE, (_m, key: string, sep: string) => `${key}${sep}${MASK}`)
      .replace(FLAG_SPACE, (_m, flag: string, sep: string) => `${flag}${sep}${MASK}`);
  }
  if (USER_FLAG_HINT.test(out)) out = out.replace(USER_FLAG, (_m, flag: string) => `${flag}${MASK}`);
  return out;
}
