// HTTP requests for the fuzz suite (test/security/fuzz.test.ts): every route that
// /api/openapi.json lists, with random and mutated query parameters, repeated ones, huge
// values, odd and invalid percent-escapes, and other methods now and then.
import { chance, int, pick, text, type Rng } from './fuzz-values.ts';

export interface RouteParam {
  name: string;
  in: string;
}

export interface Route {
  method: string;
  /** As OpenAPI writes it: `/assets/{name}`. */
  path: string;
  params: RouteParam[];
}

interface OpenApi {
  paths: Record<string, Record<string, { parameters?: RouteParam[] }>>;
}

/** The routes of a running daemon, from its own description. */
export function routesOf(doc: unknown): Route[] {
  const routes: Route[] = [];
  for (const [path, ops] of Object.entries((doc as OpenApi).paths)) {
    for (const [method, op] of Object.entries(ops)) {
      routes.push({ method: method.toUpperCase(), path, params: op.parameters ?? [] });
    }
  }
  return routes;
}

const VALID = [
  '1',
  '10',
  '1000',
  'json',
  'ndjson',
  'csv',
  'succeeded',
  'failed',
  '2026-01-02T15:04:05Z',
  '2001-01-01T00:00:00.123456789+05:30',
];
const MUTATED = [
  '',
  '0',
  '-1',
  '1.5',
  '1e3',
  ' 1',
  '0x10',
  '+1',
  'NaN',
  'Infinity',
  '-Infinity',
  '99999999999999999999999',
  '9007199254740993',
  'true',
  'null',
  '[]',
  '{}',
  'JSON',
  'succeeded ',
  '2026-02-30T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '0000-01-01T00:00:00Z',
  '2026-01-02 15:04:05',
  '2026-01-02T15:04:05',
  '../../etc/passwd',
  '__proto__',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
];
/** Written into the URL as they are: invalid escapes, escaped NUL, non-UTF-8 bytes, `+`. */
const RAW = ['%', '%z', '%zz', '%E0%A4', '%FF', '%C0%80', '%ED%A0%80', '%00', '%0A', '%25', '+', '%2B', ';', '%u0041'];
const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'x', 'limit[]', 'a.b', '%', '%zz', ''];

/** A value: valid, mutated, random text, huge, or raw bytes; returned as it goes into the URL. */
function value(r: Rng): string {
  const roll = r();
  if (roll < 0.25) return encodeURIComponent(pick(r, VALID));
  if (roll < 0.5) return encodeURIComponent(pick(r, MUTATED));
  if (roll < 0.65) return encodeURIComponent(text(r, int(r, 0, 40)).replace(/\p{Cs}/gu, '?'));
  if (roll < 0.7) return encodeURIComponent('x'.repeat(pick(r, [4096, 4097, 8000])));
  if (roll < 0.9) return `${pick(r, ['', '1', 'a'])}${pick(r, RAW)}${pick(r, ['', '1', 'a'])}`;
  return encodeURIComponent(pick(r, ['漢字', '😀', 'é', '\u202e', '\ufeff', '\u0000']));
}

function query(r: Rng, route: Route): string {
  const names = route.params.filter((p) => p.in === 'query').map((p) => p.name);
  const parts: string[] = [];
  const n = int(r, 0, 5);
  for (let i = 0; i < n; i++) {
    const name = names.length > 0 && chance(r, 0.8) ? pick(r, names) : pick(r, NAMES);
    if (chance(r, 0.05)) parts.push(name);
    else parts.push(`${name}=${value(r)}`);
    // The same parameter again.
    if (chance(r, 0.1)) parts.push(`${name}=${value(r)}`);
  }
  if (chance(r, 0.05)) parts.push(pick(r, ['&', '=', '==', '&&&', '=x']));
  return parts.length === 0 && chance(r, 0.5) ? '' : `?${parts.join('&')}`;
}

function pathOf(r: Rng, route: Route): string {
  return route.path.replace(/\{[^}]*\}/g, () =>
    chance(r, 0.3)
      ? pick(r, ['app.js', 'dashboard.css', 'uplot.js', 'index.html'])
      : pick(r, [
          '..%2F..%2Fetc%2Fpasswd',
          '%2e%2e',
          '.',
          '%00',
          'x'.repeat(2000),
          '%',
          '%zz',
          encodeURIComponent('漢字.js'),
          '%FF',
          'a%2Fb',
        ]),
  );
}

/** One request: mostly the route's own method, sometimes another; now and then a query too large for the server. */
export function fuzzRequest(r: Rng, route: Route): { method: string; path: string } {
  const method = chance(r, 0.08) ? pick(r, ['HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) : route.method;
  let path = `${pathOf(r, route)}${query(r, route)}`;
  if (chance(r, 0.01)) path += `${path.includes('?') ? '&' : '?'}x=${'y'.repeat(20_000)}`;
  return { method, path };
}
