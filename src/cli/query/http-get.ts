// One bounded GET over node:http (or node:https for an https:// daemon): the whole
// exchange must finish within `timeoutMs` and the body may not pass `maxBytes`, so a
// hung or hostile server can neither hold patience nor make it grow. node:http rather
// than fetch: undici costs start-up time and its errors say less.
import http from 'node:http';
import { withoutCredentials } from './daemon-url-check.ts';

export interface HttpAnswer {
  status: number;
  /** The Content-Type header, '' when absent. */
  contentType: string;
  body: Buffer;
}

export interface GetOptions {
  timeoutMs: number;
  maxBytes: number;
  accept: string;
}

export type HttpGet = (url: URL, o: GetOptions) => Promise<HttpAnswer>;

/**
 * The request failed before a whole answer arrived; `reason` says why in a few words.
 * `network`: nothing usable came back (refused, timed out, reset); `too-large`: a server
 * did answer, with more than any daemon would send.
 */
export class RequestFailed extends Error {
  override readonly name = 'RequestFailed';
  constructor(
    readonly reason: string,
    readonly kind: 'network' | 'too-large' = 'network',
  ) {
    super(reason);
  }
}

/** The few words for a socket error: connection refused, host not found, … */
export function networkReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EPIPE':
      return 'connection closed';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ENOENT':
      return 'no such socket or host';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'EACCES':
    case 'EPERM':
      return 'connection not permitted';
    default:
      // Messages can quote the URL; credentials stay out of what is printed.
      return withoutCredentials(e.code ?? (e instanceof Error ? e.message : String(err)));
  }
}

/** Request options for a URL: its credentials go in the Authorization header, never in a message. */
export function requestOptions(url: URL, accept: string): http.RequestOptions {
  const auth =
    url.username || url.password
      ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
      : undefined;
  return {
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    method: 'GET',
    headers: { Accept: accept, 'User-Agent': 'patience' },
    auth,
    // No connection pool: one request, then patience exits or moves on.
    agent: false,
  };
}

/** The module that speaks the URL's scheme; https is loaded only for an https:// daemon. */
export async function transportFor(url: URL): Promise<Pick<typeof http, 'request'>> {
  return url.protocol === 'https:' ? await import('node:https') : http;
}

export const httpGet: HttpGet = async (url, o) => {
  const transport = await transportFor(url);
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = transport.request(requestOptions(url, o.accept));
    let settled = false;
    const finish = (err: RequestFailed | undefined, answer?: HttpAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(answer as HttpAnswer);
    };
    const timer = setTimeout(() => finish(new RequestFailed(`no answer within ${o.timeoutMs / 1000}s`)), o.timeoutMs);
    req.on('error', (err) => finish(new RequestFailed(networkReason(err))));
    req.on('response', (res) => {
      collectBody(res, o.maxBytes).then(
        (body) =>
          finish(undefined, { status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', body }),
        (err: RequestFailed) => finish(err),
      );
    });
    req.end();
  });
};

/** The whole body of an answer, or RequestFailed once it passes maxBytes or is cut short. */
export function collectBody(res: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else {
        reject(new RequestFailed(`an answer larger than ${maxBytes} bytes`, 'too-large'));
        res.destroy();
      }
    });
    res.on('error', (err) => reject(new RequestFailed(networkReason(err))));
    res.on('end', () => resolve(Buffer.concat(chunks)));
    res.on('close', () => {
      if (!res.complete) reject(new RequestFailed('the answer was cut short'));
    });
  });
}
