// Replaces values that look like credentials with ***, keeping the name they were given
// under (`--password=***`, `?key=***`, `ghp_***`), so a stored command stays readable.
//
// Every pattern is linear-time. Each starts at a fixed anchor (a keyword, a quote, "://",
// a token prefix) followed by character classes that cannot contain the anchor again, and
// whatever follows the anchor either always matches (optional parts, `*` runs) or fails
// within a bounded number of characters (see QUOTED for the one exception). So a failed
// attempt never rescans a long run from many starting points, and a hostile 1 MiB field
// cannot stall the daemon's event loop. Bounded prefixes ({0,40}) cost a constant factor.
// The `-p` of mysql, sshpass and `docker login` is tool-scoped: see redact-tools.ts.
import { redactToolFlags, TOOL_HINT } from './redact-tools.ts';

export const MASK = '***';

/** A text → text function that hides credentials; the daemon's may carry user patterns too. */
export type Redact = (text: string) => string;

// The names a credential is given, as a key (`x_password=`), a flag (`--api-token`) or a JSON key.
const CREDENTIAL =
  'password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|auth|credentials?|private[_-]?key|session|passphrase|bearer';
// A quoted value must be closed (`grep "password=" file` holds none). An attempt whose quote
// never closes scans to the end, but only the last such quote of each kind can fail that
// way (any later one would have closed it), so the cost stays linear.
const QUOTED = `'[^']*'|"[^"]*"`;

// Header-style secrets: "Authorization: Bearer abc", "X-Api-Key: abc", "Cookie: a=b".
const HEADER =
  /\b((?:proxy-)?authorization|x-api-key|api-key|x-auth-token|x-access-token|x-amz-security-token|x-vault-token|private-token|cookie|set-cookie)(\s*:\s*)[^"'\n\r]*/gi;

// URL user info: scheme://user:password@host, and scheme://token@host.
const URL_USERINFO = /([a-z][a-z0-9+.-]{0,30}:\/\/)[^\s/@"'?#]+@/gi;

// key=value and --key=value (also in query strings): password=..., X-Amz-Security-Token=...
// `pass` alone only as a whole word (`--pass=x`), never inside `bypass=`.
const KEY_VALUE = new RegExp(
  `\\b((?:[a-z0-9_-]{0,40}(?:${CREDENTIAL})|pass))(=|:(?!//))(?:${QUOTED}|[^\\s&"';]+)`,
  'gi',
);

// URL query keys that name a secret only inside a query string: ?key=, &sig=, X-Amz-Signature=.
// (A bare `--key=2` is sort's field, not a credential.)
const URL_QUERY = /([?&](?:key|sig|signature|[a-z0-9_.-]{0,40}[_.-](?:key|sig|signature)))=[^&#\s"']+/gi;

// --password VALUE, --token VALUE, --oauth2-bearer VALUE, --pass VALUE (redis-cli), -pass (openssl).
const FLAG_SPACE = new RegExp(
  `(?<![\\w-])(--?(?:[a-z0-9-]{0,40}(?:password|passwd|secret|token|api-key|apikey|access-key|credentials?|private-key|passphrase|bearer)|pass))(\\s+)(?![-\\s])(?:${QUOTED}|[^\\s"']+)`,
  'gi',
);

// A JSON body's secret: {"password":"x"}, also with shell-escaped quotes {\"token\":\"x\"}.
const JSON_FIELD = new RegExp(
  `(\\\\?"[a-z0-9_-]{0,40}(?:${CREDENTIAL})\\\\?"\\s*:\\s*)(?:(\\\\?")[^"\\\\]*|[^\\s,}\\]"\\\\]+)`,
  'gi',
);

// curl/wget style user:password: -u user:pw, --user user:pw, --user=user:pw, -U (proxy).
// Only the part after the colon is a secret; `-u root` (sudo, mysql) has none.
const USER_FLAG = /((?:^|\s)(?:-u|-U|--user|--proxy-user)(?:\s+|=)?)([^\s"':]*:)([^\s"']+)/g;

// AWS credentials written as `aws_secret_access_key VALUE` (aws configure set) or `KEY = VALUE`.
const AWS_SECRET = new RegExp(
  `\\b(aws_secret_access_key|aws_session_token|aws_security_token)(\\s+|\\s*[=:]\\s*)(?![-\\s=:])(?:${QUOTED}|[^\\s"']+)`,
  'gi',
);

// Webhook URLs whose path is the secret.
const WEBHOOK =
  /(hooks\.slack\.com\/(?:services|workflows|triggers)\/|discord(?:app)?\.com\/api\/webhooks\/\d+\/)[^\s"'?#]+/gi;

// Well-known token shapes, anywhere: GitHub, Slack, AWS access key ids; the prefix is kept.
const TOKEN_SHAPES =
  /\b(gh[pousr]_(?=[A-Za-z0-9]{20})|github_pat_(?=[A-Za-z0-9_]{20})|xox[a-z]-(?=[A-Za-z0-9-]{10})|xapp-(?=[A-Za-z0-9-]{10})|(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)(?=[A-Z0-9]{16}\b))[A-Za-z0-9_-]*/g;

// JWTs: three base64url segments, the first a JSON object ("eyJ"). The dotted parts are
// optional in the pattern so that an attempt never fails after a long run; the replacer
// masks only a match with both dots.
const JWT = /\beyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?)?/g;

// Cheap tests that rule patterns out before they run: the daemon redacts every field of
// every record it receives, and most hold no credential at all.
// `pass` covers password, passwd and passphrase; `key` the api/access/private keys.
const KEYWORD = /pass|pwd|secret|token|key|auth|credential|session|bearer/i;
const QUERY_HINT = /[?&][^=\s]{0,60}(?:key|sig)/i;
const SHAPE_HINT = /gh[pousr]_|github_pat_|xox[a-z]-|xapp-|A[A-Z]{3}[A-Z0-9]{16}|eyJ|hooks\.slack|discord/;
const GATE = new RegExp(`${KEYWORD.source}|sig|${SHAPE_HINT.source}`, 'i');

const keepFirst = (_m: string, kept: string): string => `${kept}${MASK}`;
const keepTwo = (_m: string, a: string, b: string): string => `${a}${b}${MASK}`;

/** The built-in redaction: tool flags, key/flag/header/URL/JSON forms and token shapes. */
export function redact(text: string): string {
  let out = text;
  if ((out.includes('-p') || out.includes('-a')) && TOOL_HINT.test(out)) out = redactToolFlags(out);
  if (out.includes(':')) out = out.replace(HEADER, keepTwo);
  if (out.includes('@') && out.includes('://'))
    out = out.replace(URL_USERINFO, (_m, scheme: string) => `${scheme}${MASK}@`);
  // "-u" also covers --user and --proxy-user.
  if (out.includes('-u') || out.includes('-U')) out = out.replace(USER_FLAG, maskUserPassword);
  // One scan rules out the keyword, query and token-shape patterns for most texts.
  if (!GATE.test(out)) return out;
  if (KEYWORD.test(out)) {
    out = out
      .replace(KEY_VALUE, keepTwo)
      .replace(FLAG_SPACE, keepTwo)
      .replace(JSON_FIELD, (_m, key: string, quote: string | undefined) => `${key}${quote ?? ''}${MASK}`)
      .replace(AWS_SECRET, keepTwo);
  }
  if (out.includes('=') && (out.includes('?') || out.includes('&')) && QUERY_HINT.test(out))
    out = out.replace(URL_QUERY, (_m, key: string) => `${key}=${MASK}`);
  if (SHAPE_HINT.test(out)) {
    out = out
      .replace(WEBHOOK, keepFirst)
      .replace(TOKEN_SHAPES, keepFirst)
      .replace(JWT, (m) => (isJwt(m) ? MASK : m));
  }
  return out;
}

function maskUserPassword(m: string, flag: string, user: string, password: string): string {
  // `docker run -u 1000:1000` is a uid:gid, not a login.
  if (/^\d+:$/.test(user) && /^\d+$/.test(password)) return m;
  return `${flag}${user}${MASK}`;
}

function isJwt(m: string): boolean {
  const first = m.indexOf('.');
  const second = m.indexOf('.', first + 1);
  // Header and payload must be non-trivial; the signature may be empty (alg "none").
  return first > 10 && second > first + 10;
}

/** Built-in redaction followed by the operator's own patterns (see redact-pattern.ts). */
export function createRedactor(extra: ReadonlyArray<Redact>): Redact {
  if (extra.length === 0) return redact;
  return (text) => {
    let out = redact(text);
    for (const apply of extra) out = apply(out);
    return out;
  };
}
