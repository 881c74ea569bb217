// What a web page in a local browser must not do with the HTTP API, checked before routing:
//
// - DNS rebinding: a page on attacker.example re-resolves its own name to 127.0.0.1 and then
//   reads the API as "same origin". Its requests still carry `Host: attacker.example`, so on
//   a loopback address only loopback names, http_host and allowed_hosts are served (421).
// - Cross-site requests: any page can send a no-cors GET or a form POST here. It cannot read
//   the answer (the API sends no CORS headers), but the request itself may act: a CPU profile
//   or a heap snapshot starts. So /debug/pprof/* and every method other than GET, HEAD and
//   OPTIONS are refused (403) when the browser says the request comes from another site
//   (Sec-Fetch-Site) or from another origin (Origin).
//
// Clients that are not browsers (curl, patience -status, Prometheus) send neither header and a
// Host they were given, so they pass.
import type { FastifyBaseLogger, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { canonicalHost, hostOfHeader, isLoopbackHost, isWildcardHost } from './host-names.ts';
import { sendError } from './errors.ts';

export interface GuardOptions {
  /** http_host as configured ("127.0.0.1", "localhost", "0.0.0.0", "::1", a name). */
  bindHost: string;
  /** allowed_hosts, canonical (see config/hosts.ts); "*" accepts any Host. */
  allowedHosts: readonly string[];
  log: FastifyBaseLogger;
}

/** Decides whether a request's Host header names this daemon. */
export type HostCheck = (hostHeader: string | undefined) => boolean;

export function hostCheck(bindHost: string, allowedHosts: readonly string[]): HostCheck {
  if (allowedHosts.includes('*')) return () => true;
  const bound = canonicalHost(bindHost) ?? bindHost.toLowerCase();
  const onLoopback = isLoopbackHost(bound);
  // Bound to a network address with no list: any Host, as a plain web server would answer.
  if (!onLoopback && allowedHosts.length === 0) return () => true;
  const names = new Set(allowedHosts);
  if (!isWildcardHost(bound)) names.add(bound);
  return (header) => {
    // Every browser sends Host; only an HTTP/1.0 client can leave it out, and no page can.
    if (header === undefined) return true;
    const host = hostOfHeader(header);
    if (host === undefined) return false;
    if (isLoopbackHost(host) || names.has(host)) return true;
    // Off loopback, an address literal cannot come from DNS rebinding: nothing was resolved.
    return !onLoopback && (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith('['));
  };
}

/** Why a browser request comes from elsewhere, or undefined when it does not (or is no browser's). */
export function crossSiteReason(req: Pick<FastifyRequest, 'headers'>): string | undefined {
  const site = req.headers['sec-fetch-site'];
  // same-site is another port or subdomain of the same site: http://localhost:3000 is same-site here.
  if (site === 'cross-site' || site === 'same-site') return `Sec-Fetch-Site: ${site}`;
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  const host = req.headers.host;
  let originHost: string | undefined;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = undefined;
  }
  // Same origin means the page was served under the very host and port this request names.
  const ownHost = host === undefined ? undefined : safeUrlHost(host);
  if (originHost === undefined || originHost === '' || ownHost === undefined || originHost !== ownHost) {
    return `Origin: ${shown(origin)}`;
  }
  return undefined;
}

function safeUrlHost(hostHeader: string): string | undefined {
  if (hostOfHeader(hostHeader) === undefined) return undefined;
  return new URL(`http://${hostHeader}`).host;
}

const PLAIN_READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Profiling has side effects even on GET; anything but a plain read may act. */
function actsOnRequest(req: FastifyRequest): boolean {
  const route = req.routeOptions.url ?? req.url.split('?')[0] ?? '';
  return route.startsWith('/debug/pprof') || !PLAIN_READS.has(req.method);
}

function shown(v: string): string {
  return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
}

export function requestGuard(opts: GuardOptions): onRequestHookHandler {
  const hostOk = hostCheck(opts.bindHost, opts.allowedHosts);
  let warned = false;
  const refused = (req: FastifyRequest, what: string): void => {
    // One warning says what is going on; the rest would let a page flood the log.
    const fields = { method: req.method, url: req.url.slice(0, 200), reason: what };
    if (warned) opts.log.debug(fields, 'http request refused');
    else opts.log.warn(fields, 'http request refused (further refusals are logged at debug)');
    warned = true;
  };
  return (req: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const host = req.headers.host;
    if (!hostOk(host)) {
      const name = hostOfHeader(host ?? '') ?? host ?? '';
      refused(req, `Host ${shown(host ?? '')}`);
      void sendError(
        reply,
        'misdirected_host',
        `Host ${shown(host ?? '')} is not a name this daemon answers to: on ${opts.bindHost} only loopback names ` +
          `(localhost, 127.0.0.1, [::1]), http_host and allowed_hosts are, so that a web page cannot reach the API ` +
          `through DNS rebinding. To use this name, add it to allowed_hosts (-allowed-hosts ${name}, RETRY_ALLOWED_HOSTS)`,
      );
      return;
    }
    if (actsOnRequest(req)) {
      const why = crossSiteReason(req);
      if (why !== undefined) {
        refused(req, why);
        void sendError(
          reply,
          'cross_site_refused',
          `cross-site request refused (${why}): ${req.method} ${(req.url.split('?')[0] ?? '').slice(0, 200)} ` +
            `is not served to pages of other sites; open it from the address bar or use curl`,
        );
        return;
      }
    }
    done();
  };
}
