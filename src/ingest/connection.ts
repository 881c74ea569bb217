// One client connection's socket: it feeds the framer (framer.ts), hands each document to
// the document handler (documents.ts), and writes the replies in document order, one write
// per batch; it pauses reading while replies go unread or documents are held for the next
// turn, and closes. The deadlines are not kept here: the server's one sweep reads each
// connection's clock (deadlines.ts) and calls expire() or shed(), so a connection costs no
// timer of its own.
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Batcher, DocumentReply } from './batcher.ts';
import type { IngestCounters } from './counters.ts';
import type { ConnectionClock, Expiry } from './deadlines.ts';
import type { DocumentHandler } from './documents.ts';
import { MAX_DOCUMENTS_PER_TURN, NdjsonFramer } from './framer.ts';
import { OK_LINE, errorLine, replyLine } from './reply-line.ts';
import type { TurnBudget } from './turn-budget.ts';

export interface ConnectionOptions {
  maxMessageBytes: number;
  batcher: Batcher;
  counters: IngestCounters;
  now: () => number;
  log: Logger;
}

/** What the server keeps of a connection it serves. */
export interface ServedConnection extends ConnectionClock {
  readonly socket: Socket;
  /** Frees the slot for a new client; `error` is the text a client that loses a document is told. */
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
  /** The documents every connection together may frame this turn (turn-budget.ts). */
  readonly budget: Pick<TurnBudget, 'take'>;
}

const OK_BUFFER = Buffer.from(OK_LINE);

/** What the client sent while it waited for a slot, read before it was served. */
export interface Preface {
  chunks: readonly Buffer[];
  ended: boolean;
}

// Long because the connection's state lives in these locals, shared by its handlers (the
// ServedConnection, close, the outbox, the framer's sink, the socket's events); splitting
// them apart would pass that state around on the per-document path.
export function serveConnection(
  socket: Socket,
  opts: ConnectionOptions,
  documents: DocumentHandler,
  hooks: ConnectionHooks,
): ServedConnection {
  let peerEnded = false;
  let closing = false;

  const c = {
    socket,
    documentSince: opts.now(),
    sweepMark: hooks.sweeps(),
    documents: 0,
    /** The framer's, copied after each call to it (a plain field: the sweep reads it often). */
    partialBytes: 0,
    pending: 0,
    writeBlockedSince: undefined as number | undefined,
    // The framer's sink (FramerSink in framer.ts): each document is counted and handed on.
    document(bytes: Buffer): void {
      c.documents++;
      c.pending++;
      documents.bytes(bytes, reply);
    },
    object(value: object): void {
      c.documents++;
      c.pending++;
      documents.value(value, reply);
    },
    tooLarge(): void {
      c.documents++;
      c.pending++;
      closing = true;
      socket.pause();
      hooks.leaving(c);
      opts.batcher.reject('too_large', `document exceeds max_message_bytes (${opts.maxMessageBytes} bytes)`, reply);
    },
    shed(error: string): void {
      if (closing) return;
      const lost = framer.partialBytes > 0 || c.documents === 0;
      if (lost || c.writeBlockedSince !== undefined) opts.counters.reject('shed_stale');
      close(lost ? errorLine('shed_stale', error) : undefined);
    },
    expire(e: Expiry, documentMs: number): void {
      if (closing) return;
      if (e === 'write_timeout') {
        // Its replies are unread: nothing more is written (close destroys it).
        opts.counters.reject('write_timeout');
        close(undefined);
      } else if (e === 'document_timeout') {
        opts.counters.reject('document_timeout');
        close(
          errorLine(
            'document_timeout',
            `no complete document within ${documentMs / 1000}s (each document must arrive whole within that time of the previous one); connection closed`,
          ),
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

  /** Stops serving: says why (`line`, when the client can still read it), ends, and leaves the slot. */
  const close = (line: string | undefined): void => {
    closing = true;
    framer.stop();
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
    if (line === undefined) socket.end();
    else socket.end(line);
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
          if (!closing && !framer.holding) socket.resume();
        });
      }
    }
    maybeEnd();
  };

  const reply = (r: DocumentReply): void => {
    c.pending--;
    if (outbox === '') queueMicrotask(flushOutbox);
    outbox += replyLine(r);
  };

  const maybeEnd = (): void => {
    if (c.pending > 0 || outbox !== '' || socket.destroyed) return;
    if (closing) socket.end(() => socket.destroy());
    else if (peerEnded) socket.end();
  };

  // The connection is the framer's sink: one object less per connection.
  const framer = new NdjsonFramer(opts.maxMessageBytes, c, MAX_DOCUMENTS_PER_TURN, hooks.budget);

  /** Only a completed document restarts the clock; bytes of an unfinished one do not. */
  const framed = (before: number): void => {
    c.partialBytes = framer.partialBytes;
    if (c.documents !== before && !closing) {
      c.documentSince = opts.now();
      c.sweepMark = hooks.sweeps();
    }
  };

  const onData = (chunk: Buffer): void => {
    if (closing) return;
    const before = c.documents;
    const held = framer.push(chunk);
    framed(before);
    if (held && !closing) {
      socket.pause();
      setImmediate(proceed);
    }
  };

  // A chunk of many small documents (a flood) is framed over several turns, so that one
  // client never holds the event loop, and every other client's documents go in between.
  const proceed = (): void => {
    if (closing) return;
    const before = c.documents;
    const again = framer.resume();
    framed(before);
    if (closing) return;
    if (again) setImmediate(proceed);
    else if (framer.ended) {
      peerEnded = true;
      maybeEnd();
    } else if (c.writeBlockedSince === undefined) socket.resume();
  };

  const onEnd = (): void => {
    const before = c.documents;
    framer.end();
    framed(before);
    if (framer.holding) return;
    peerEnded = true;
    maybeEnd();
  };

  socket.on('data', onData);
  socket.on('end', onEnd);
  socket.on('error', (err) => opts.log.debug({ err: err.message }, 'client connection error'));
  socket.on('close', () => hooks.closed(c));
  return c;
}
