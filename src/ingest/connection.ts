// One client connection: NDJSON framing (plus the Go client's single document that ends
// without a newline), limits, and one reply line per document, in document order. The
// deadlines are not kept here: the server's one sweep reads each connection's clock
// (deadlines.ts) and calls expire() or shed(), so a connection costs no timer of its own.
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { validateRunRecord } from '../shared/run-record.ts';
import { ACQUIRE_TYPE, validateAcquire } from '../coordination/acquire-request.ts';
import type { Redact } from '../shared/redact.ts';
import type { Batcher, Outcome } from './batcher.ts';
import type { IngestCounters } from './counters.ts';
import type { ConnectionClock, Expiry } from './deadlines.ts';

export interface ConnectionOptions {
  maxMessageBytes: number;
  batcher: Batcher;
  counters: IngestCounters;
  now: () => number;
  log: Logger;
  /** Hides credentials in every text field; the built-in redaction when unset. */
  redact?: Redact;
  /** Answers a control request (a document with a "type"), or undefined when the type is not one it serves. */
  control?: (request: { type: unknown }) => Record<string, unknown> | undefined;
}

/** What the server keeps of a connection it serves. */
export interface ServedConnection extends ConnectionClock {
  readonly socket: Socket;
  /** Frees the slot for a new client; `error` is the line a client that loses a document is told. */
  shed(error: string): void;
  /** Carries out what a deadline demands. */
  expire(e: Expiry, documentMs: number): void;
  /** Starts reading, first what the client sent while it waited. Called once the server has counted the connection. */
  begin(preface?: Preface): void;
}

export interface ConnectionHooks {
  /** How many sweeps the server has made: the connection notes it with each completed document. */
  sweeps(): number;
  /** The connection began to close: it gives up its slot and has a little time to send its last reply. */
  leaving(c: ServedConnection): void;
  closed(c: ServedConnection): void;
}

const NEWLINE = 0x0a;
const CLOSE_BRACE = 0x7d;
/** Lines handled per connection per turn of the event loop (a record is ~300 bytes, so a 64 KiB read rarely holds more). */
const MAX_DOCUMENTS_PER_TURN = 256;
const OK_LINE = '{"status":"ok"}\n';
const OK_BUFFER = Buffer.from(OK_LINE);

const errorLine = (error: string): string => `${JSON.stringify({ status: 'error', error })}\n`;

/** What the client sent while it waited for a slot, read before it was served. */
export interface Preface {
  chunks: readonly Buffer[];
  ended: boolean;
}

export function serveConnection(socket: Socket, opts: ConnectionOptions, hooks: ConnectionHooks): ServedConnection {
  let parts: Buffer[] = [];
  let peerEnded = false;
  let closing = false;

  const c = {
    socket,
    documentSince: opts.now(),
    sweepMark: hooks.sweeps(),
    documents: 0,
    partialBytes: 0,
    pending: 0,
    writeBlockedSince: undefined as number | undefined,
    shed(error: string): void {
      if (closing) return;
      const lost = c.partialBytes > 0 || c.documents === 0;
      if (lost || c.writeBlockedSince !== undefined) opts.counters.reject('shed_stale');
      close(lost ? error : undefined);
    },
    expire(e: Expiry, documentMs: number): void {
      if (closing) return;
      if (e === 'write_timeout') {
        opts.counters.reject('write_timeout');
        close(undefined);
      } else if (e === 'document_timeout') {
        opts.counters.reject('document_timeout');
        close(
          `no complete document within ${documentMs / 1000}s (each document must arrive whole within that time of the previous one); connection closed`,
        );
      } else {
        close(undefined);
      }
    },
    begin(preface?: Preface): void {
      // Called after this function returned, so every handler below exists by then.
      if (preface) {
        for (const chunk of preface.chunks) onData(chunk);
        if (preface.ended) onEnd();
      }
      socket.resume();
    },
  };

  /** Stops serving: says why (when the client can still read it), ends, and leaves the slot. */
  const close = (error: string | undefined): void => {
    closing = true;
    parts = [];
    c.partialBytes = 0;
    if (c.writeBlockedSince !== undefined) {
      // Its replies are stuck unread: a polite end would never complete.
      socket.destroy();
      return;
    }
    hooks.leaving(c);
    // Already ended by the client and answered: nothing more to say; the linger bounds the rest.
    if (socket.writableEnded) return;
    // Whatever else it sends is read and dropped (see the data handler): closing with unread
    // data would reset the connection and lose the line below. The socket closes once the
    // client closes its side too, or when the server's linger runs out.
    socket.resume();
    if (error === undefined) socket.end();
    else socket.end(errorLine(error));
  };

  // Replies of one batch go out in one write: a streaming client gets hundreds per turn.
  let outbox = '';
  const flushOutbox = (): void => {
    const text = outbox;
    outbox = '';
    if (text !== '' && !socket.destroyed && socket.writable) {
      socket.write(text === OK_LINE ? OK_BUFFER : text);
      if (socket.writableNeedDrain && c.writeBlockedSince === undefined) {
        // The client is not reading its replies: stop reading its documents until it does,
        // and let the write deadline run.
        socket.pause();
        c.writeBlockedSince = opts.now();
        socket.once('drain', () => {
          c.writeBlockedSince = undefined;
          if (!closing && !backlog) socket.resume();
        });
      }
    }
    maybeEnd();
  };

  const reply = (o: Outcome): void => {
    c.pending--;
    if (outbox === '') queueMicrotask(flushOutbox);
    outbox += o.ok ? (o.reply ? `${JSON.stringify(o.reply)}\n` : OK_LINE) : errorLine(o.error);
  };

  const maybeEnd = (): void => {
    if (c.pending > 0 || outbox !== '' || socket.destroyed) return;
    if (closing) socket.end(() => socket.destroy());
    else if (peerEnded) socket.end();
  };

  const handleDocument = (buf: Buffer): void => {
    let text = buf.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    // Blank lines are skipped (and complete no document, so they keep no slot); trim() copies, so only for text that starts blank.
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      c.documents++;
      c.pending++;
      opts.batcher.reject('invalid_json', `invalid JSON: ${(err as Error).message}`, reply);
      return;
    }
    handleValue(value);
  };

  const handleValue = (value: unknown): void => {
    c.documents++;
    c.pending++;
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'type' in value) {
      if ((value as { type: unknown }).type === ACQUIRE_TYPE && opts.batcher.coordinates) {
        const checked = validateAcquire(value);
        if (checked.ok) opts.batcher.acquire(checked.request, reply);
        else opts.batcher.reject('invalid_acquire', checked.error, reply);
        return;
      }
      const answer = opts.control?.(value as { type: unknown });
      if (answer) {
        opts.batcher.answer(answer, reply);
        return;
      }
      const type = JSON.stringify((value as { type: unknown }).type) ?? 'undefined';
      opts.batcher.reject(
        'unsupported_type',
        `type: coordination request ${type.slice(0, 64)} is not supported by this daemon`,
        reply,
      );
      return;
    }
    const checked = validateRunRecord(value, opts.now(), opts.redact);
    if (checked.ok) opts.batcher.add(checked.record, reply);
    else opts.batcher.reject('invalid_record', checked.error, reply);
  };

  /**
   * The Go client sends one document without a newline, then half-closes. Once what
   * arrived is a whole JSON object it is complete (nothing may follow it on its line),
   * so it is answered without waiting for the close, which a busy client may send late.
   */
  /** The part's size at the last early parse (see consume); 0 for a new part. */
  let triedAtBytes = 0;
  const completeObject = (): void => {
    const text = Buffer.concat(parts, c.partialBytes).toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    parts = [];
    c.partialBytes = 0;
    handleValue(value);
  };

  const tooLarge = (): void => {
    parts = [];
    c.partialBytes = 0;
    c.documents++;
    c.pending++;
    closing = true;
    socket.pause();
    hooks.leaving(c);
    opts.batcher.reject('too_large', `document exceeds max_message_bytes (${opts.maxMessageBytes} bytes)`, reply);
  };

  const onData = (chunk: Buffer): void => {
    if (closing) return;
    if (backlog) {
      backlog = Buffer.concat([backlog, chunk]);
      return;
    }
    consume(chunk);
  };

  /** Frames and handles what arrived, at most MAX_DOCUMENTS_PER_TURN documents; the rest waits for the next turn. */
  const consume = (chunk: Buffer): void => {
    const before = c.documents;
    let start = 0;
    let lines = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      if (lines++ === MAX_DOCUMENTS_PER_TURN) {
        defer(chunk.subarray(start));
        break;
      }
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (c.partialBytes + piece.length > opts.maxMessageBytes) return tooLarge();
      if (c.partialBytes === 0) handleDocument(piece);
      else {
        parts.push(piece);
        handleDocument(Buffer.concat(parts, c.partialBytes + piece.length));
        parts = [];
        c.partialBytes = 0;
      }
    }
    if (!backlog && start < chunk.length) {
      const rest = chunk.subarray(start);
      if (c.partialBytes + rest.length > opts.maxMessageBytes) return tooLarge();
      if (c.partialBytes === 0) triedAtBytes = 0;
      // Copy: the chunk's memory may be reused by the stream.
      parts.push(Buffer.from(rest));
      c.partialBytes += rest.length;
      // Parsed early only once the part has doubled since the last try: a client dripping
      // "}" bytes onto a large part then costs linear work, not a parse per byte.
      if (rest[rest.length - 1] === CLOSE_BRACE && c.partialBytes >= 2 * triedAtBytes) {
        triedAtBytes = c.partialBytes;
        completeObject();
      }
    }
    // Only a completed document restarts the clock; bytes of an unfinished one do not.
    if (c.documents !== before) {
      c.documentSince = opts.now();
      c.sweepMark = hooks.sweeps();
    }
  };

  // A chunk of many small documents (a flood) is handled over several turns, so that one
  // client never holds the event loop, and every other client's documents go in between.
  let backlog: Buffer | undefined;
  let endAfterBacklog = false;
  const defer = (rest: Buffer): void => {
    backlog = rest;
    socket.pause();
    setImmediate(() => {
      const b = backlog;
      backlog = undefined;
      if (closing || !b) return;
      consume(b);
      if (backlog || closing) return;
      if (endAfterBacklog) onEnd();
      else if (c.writeBlockedSince === undefined) socket.resume();
    });
  };

  const onEnd = (): void => {
    if (backlog) {
      endAfterBacklog = true;
      return;
    }
    peerEnded = true;
    if (!closing && c.partialBytes > 0) {
      handleDocument(Buffer.concat(parts, c.partialBytes));
      parts = [];
      c.partialBytes = 0;
    }
    maybeEnd();
  };

  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('error', (err) => opts.log.debug({ err: err.message }, 'client connection error'));
  socket.on('close', () => hooks.closed(c));
  return c;
}
