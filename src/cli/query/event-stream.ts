// GET /api/events for --follow: Server-Sent Events over node:http, parsed by sse.ts.
// Connecting has a deadline; once open, the stream may last for hours, but not in
// silence: the daemon sends a heartbeat comment every 15 s, so a minute without a byte
// means the connection is dead (a host that vanished sends no FIN).
import type { ClientRequest, IncomingMessage } from 'node:http';
import {
  collectBody,
  networkReason,
  requestOptions,
  RequestFailed,
  transportFor,
  type HttpAnswer,
} from './http-get.ts';
import { SseLineTooLong, SseParser, type SseEvent } from './sse.ts';

export interface StreamHandlers {
  /** One event; must not throw (to stop, call close()). */
  onEvent(e: SseEvent): void;
  /** The stream ended without close(): why, in a few words ("closed the event stream"). */
  onEnd(why: string): void;
}

export interface StreamLimits {
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  /** The longest line, and event, accepted. */
  maxLineLength: number;
  /** The largest error answer read. */
  maxBytes: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  connectTimeoutMs: 5000,
  idleTimeoutMs: 60_000,
  // A run event is one line; the largest record is about 350 kB (MAX_RECORD_BYTES).
  maxLineLength: 4 * 1024 * 1024,
  maxBytes: 1024 * 1024,
};

export interface EventStream {
  close(): void;
}

/** Open: events follow through the handlers. Answer: anything but a 200 event stream, to be judged by the caller. */
export type Opened = { kind: 'open'; stream: EventStream } | { kind: 'answer'; answer: HttpAnswer };

export type OpenEvents = (url: URL, h: StreamHandlers, limits: StreamLimits) => Promise<Opened>;

export const openEventStream: OpenEvents = async (url, h, limits) => {
  const transport = await transportFor(url);
  return new Promise<Opened>((resolve, reject) => {
    const req = transport.request(requestOptions(url, 'text/event-stream'));
    new StreamRequest(req, h, limits, resolve, reject);
  });
};

/**
 * One request to the stream, from connecting to its end: either the open stream, or the
 * answer that is not one. `phase` makes every end happen once, whichever comes first.
 */
class StreamRequest {
  private phase: 'connecting' | 'open' | 'done' = 'connecting';
  private idle: NodeJS.Timeout | undefined;
  private readonly connect: NodeJS.Timeout;

  constructor(
    private readonly req: ClientRequest,
    private readonly h: StreamHandlers,
    private readonly limits: StreamLimits,
    private readonly resolve: (o: Opened) => void,
    private readonly reject: (err: RequestFailed) => void,
  ) {
    const ms = limits.connectTimeoutMs;
    this.connect = setTimeout(() => this.failConnect(new RequestFailed(`no answer within ${ms / 1000}s`)), ms);
    req.on('error', (err) => {
      if (this.phase === 'connecting') this.failConnect(new RequestFailed(networkReason(err)));
      else this.end(`closed the event stream (${networkReason(err)})`);
    });
    req.on('response', (res) => this.response(res));
    req.end();
  }

  private readonly stop = (): void => {
    this.phase = 'done';
    clearTimeout(this.connect);
    clearTimeout(this.idle);
    this.req.destroy();
  };

  private failConnect(err: RequestFailed): void {
    if (this.phase !== 'connecting') return;
    this.stop();
    this.reject(err);
  }

  /** The open stream ended by itself (not by close()): the handler hears why, once. */
  private end(why: string): void {
    if (this.phase !== 'open') return;
    this.stop();
    this.h.onEnd(why);
  }

  private armIdle(): void {
    clearTimeout(this.idle);
    const ms = this.limits.idleTimeoutMs;
    this.idle = setTimeout(() => this.end(`sent nothing for ${ms / 1000}s`), ms);
  }

  private response(res: IncomingMessage): void {
    const type = res.headers['content-type'] ?? '';
    if (res.statusCode === 200 && /^text\/event-stream\b/i.test(type)) return this.open(res);
    // Not a stream: its (bounded) body is for the caller to judge.
    collectBody(res, this.limits.maxBytes).then((body) => {
      if (this.phase !== 'connecting') return;
      this.stop();
      this.resolve({ kind: 'answer', answer: { status: res.statusCode ?? 0, contentType: type, body } });
    }, this.failConnect.bind(this));
  }

  private open(res: IncomingMessage): void {
    clearTimeout(this.connect);
    this.phase = 'open';
    this.armIdle();
    const parser = new SseParser(this.limits.maxLineLength);
    res.setEncoding('utf8');
    res.on('data', (text: string) => {
      if (this.phase !== 'open') return;
      this.armIdle();
      let events: SseEvent[];
      try {
        events = parser.push(text);
      } catch (err) {
        if (!(err instanceof SseLineTooLong)) throw err;
        return this.end(`sent an event stream line longer than ${this.limits.maxLineLength} characters`);
      }
      for (const e of events) if (this.phase === 'open') this.h.onEvent(e);
    });
    res.on('error', (err) => this.end(`closed the event stream (${networkReason(err)})`));
    res.on('close', () => this.end('closed the event stream'));
    this.resolve({ kind: 'open', stream: { close: this.stop } });
  }
}
