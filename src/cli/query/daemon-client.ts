// The daemon's API as patience reads it: a GET of one route, its answer checked against
// the shape patience expects, and every way that can fail turned into one of three
// outcomes: the answer, a refused query (400: exit 2), or a DaemonError (exit 3) that
// says whether nothing answered or something that is not a patienced daemon did.
import { daemonFailed, notADaemon, QueryRefused, unreachable } from './errors.ts';
import { RequestFailed, type HttpAnswer, type HttpGet } from './http-get.ts';
import type { EventStream, OpenEvents, StreamHandlers, StreamLimits } from './event-stream.ts';
import { isApiError } from './shapes.ts';
import { cleanText } from './terminal-text.ts';
import type { DaemonUrl } from './daemon-url.ts';

export type Query = ReadonlyArray<readonly [string, string]>;

export interface ClientLimits {
  timeoutMs: number;
  maxBytes: number;
}

/** 5 s per request; 16 MiB per answer, twice the daemon's own budget for /recent (8 MiB). */
export const DEFAULT_LIMITS: ClientLimits = { timeoutMs: 5000, maxBytes: 16 * 1024 * 1024 };

export interface Transport {
  get: HttpGet;
  openEvents: OpenEvents;
  limits: ClientLimits;
  streamLimits: StreamLimits;
}

export class DaemonClient {
  constructor(
    readonly daemon: DaemonUrl,
    private readonly t: Transport,
  ) {}

  /** The URL of a route under the daemon's URL (which may carry a path prefix, behind a proxy). */
  url(path: string, query: Query = []): URL {
    const url = new URL(this.daemon.url.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
    url.search = new URLSearchParams(query.map(([k, v]) => [k, v])).toString();
    return url;
  }

  /** GET path?query, parsed and checked; throws DaemonError or QueryRefused. */
  async json<T>(path: string, query: Query, check: (v: unknown) => v is T): Promise<T> {
    let answer: HttpAnswer;
    try {
      answer = await this.t.get(this.url(path, query), { ...this.t.limits, accept: 'application/json' });
    } catch (err) {
      throw this.failed(path, err);
    }
    if (answer.status !== 200) throw this.refused(path, answer);
    const body = parseJson(answer.body);
    if (body === undefined) throw notADaemon(this.daemon.shown, path, `200 but ${describe(answer.contentType)}`);
    if (!check(body)) throw notADaemon(this.daemon.shown, path, '200 but not the JSON a patienced daemon answers');
    return body;
  }

  /** The live event stream; resolves once it is open. Throws DaemonError or QueryRefused. */
  async events(path: string, h: StreamHandlers): Promise<EventStream> {
    let opened;
    try {
      opened = await this.t.openEvents(this.url(path), h, this.t.streamLimits);
    } catch (err) {
      throw this.failed(path, err);
    }
    if (opened.kind === 'open') return opened.stream;
    const answer = opened.answer;
    if (answer.status !== 200) throw this.refused(path, answer);
    const what = /html/i.test(answer.contentType) ? 'an HTML page' : 'not an event stream';
    throw notADaemon(this.daemon.shown, path, `200 but ${what}`);
  }

  private failed(path: string, err: unknown): Error {
    if (!(err instanceof RequestFailed)) return err as Error;
    if (err.kind === 'too-large') return notADaemon(this.daemon.shown, path, err.reason);
    return unreachable(this.daemon.shown, err.reason);
  }

  /** A status other than 200: the daemon's own error, or a sign that this is not a daemon. */
  private refused(path: string, answer: HttpAnswer): Error {
    const body = parseJson(answer.body);
    // A 404 here means the route is missing: another server, or none of ours.
    if (!isApiError(body) || answer.status === 404) return notADaemon(this.daemon.shown, path, String(answer.status));
    if (answer.status === 400) return new QueryRefused(`the daemon refused the query: ${cleanText(body.error)}`);
    return daemonFailed(this.daemon.shown, path, answer.status, cleanText(body.code), cleanText(body.error));
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function describe(contentType: string): string {
  if (/html/i.test(contentType)) return 'an HTML page';
  return contentType === '' ? 'not JSON' : `not JSON (${cleanText(contentType).slice(0, 60)})`;
}
