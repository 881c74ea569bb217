// One client connection's socket: it feeds the framer (framer.ts), hands each document to
// the document handler (documents.ts), and writes the replies in document order, one write
// per batch; it pauses reading while replies go unread or documents are held for the next
// turn, and closes. The deadlines are not kept here: the server's one sweep reads each
// connection's clock (deadlines.ts) and calls expire() or shed(), so a connection costs no
// timer of its own.
//
// Most clients send one record on a connection of their own (every `patience` run), so a
// connection must cost little more than Node's socket itself: it is one object, whose
// socket events go to handlers shared by every connection (they find it on the socket), and
// whose last reply is written, and the connection closed, at once, as the batch is
// answered (docs/performance.md).
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Batcher, DocumentReply, ReplyTo } from './batcher.ts';
import type { IngestCounters } from './counters.ts';
import type { ConnectionClock, Expiry } from './deadlines.ts';
import type { DocumentHandler } from './documents.ts';
import { MAX_DOCUMENTS_PER_TURN, NdjsonFramer, frameWholeLine, type FramerSink } from './framer.ts';
import { OK_LINE, errorLine, replyLine } from './reply-line.ts';
import type { TurnBudget } from './turn-budget.ts';
import type { Slotted } from './slot-list.ts';

export interface ConnectionOptions {
  maxMessageBytes: number;
  batcher: Batcher;
  counters: IngestCounters;
  now: () => number;
  log: Logger;
}

/** What the server keeps of a connection it serves. */
export interface ServedConnection extends ConnectionClock, Slotted {
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

/** Where the shared socket handlers find a socket's connection. */
const CONNECTION = Symbol('connection');
type Served = Socket & { [CONNECTION]: Connection };

export function serveConnection(
  socket: Socket,
  opts: ConnectionOptions,
  documents: DocumentHandler,
  hooks: ConnectionHooks,
): ServedConnection {
  return new Connection(socket, opts, documents, hooks);
}

class Connection implements ServedConnection, FramerSink {
  documentSince: number;
  sweepMark: number;
  /** Its place among the server's connections (slot-list.ts). */
  slot = -1;
  documents = 0;
  /** The framer's, copied after each call to it (a plain field: the sweep reads it often). */
  partialBytes = 0;
  /** Documents handed on whose replies have not come back yet. */
  private unanswered = 0;
  writeBlockedSince: number | undefined = undefined;
  private peerEnded = false;
  private closing = false;
  /** Replies not written yet: those of one batch go out in one write (a streaming client gets hundreds per turn). */
  private outbox = '';
  private flushQueued = false;
  /** Made for a client that sends more than one whole line in its first chunk (frameWholeLine in framer.ts). */
  private framer: NdjsonFramer | undefined;
  /** Takes each reply from the batcher: the one closure a connection needs. */
  private readonly reply: ReplyTo;

  /** Replies not written yet, for the sweep (deadlines.ts): those still to come and any held for the client's end. */
  get pending(): number {
    return this.unanswered + (this.outbox === '' ? 0 : 1);
  }

  constructor(
    readonly socket: Socket,
    private readonly opts: ConnectionOptions,
    private readonly handler: DocumentHandler,
    private readonly hooks: ConnectionHooks,
  ) {
    this.documentSince = opts.now();
    this.sweepMark = hooks.sweeps();
    this.reply = (r) => this.replied(r);
    (socket as Served)[CONNECTION] = this;
    socket.on('data', Connection.onData);
    socket.on('end', Connection.onEnd);
    socket.on('error', Connection.onError);
    socket.on('close', Connection.onClose);
  }

  // The framer's sink (FramerSink in framer.ts): each document is counted and handed on.
  document(bytes: Buffer): void {
    this.documents++;
    this.unanswered++;
    this.handler.bytes(bytes, this.reply);
  }

  object(value: object): void {
    this.documents++;
    this.unanswered++;
    this.handler.value(value, this.reply);
  }

  tooLarge(): void {
    this.documents++;
    this.unanswered++;
    this.closing = true;
    this.hooks.leaving(this);
    this.opts.batcher.reject(
      'too_large',
      `document exceeds max_message_bytes (${this.opts.maxMessageBytes} bytes)`,
      this.reply,
    );
    // What the client still sends is read and dropped (see onData) until it ends: closing
    // with its data unread would reset the connection, and the client, still writing, could
    // lose the reply. The linger bounds how long that may take.
    this.socket.resume();
  }

  shed(error: string): void {
    if (this.closing) return;
    const lost = this.partialBytes > 0 || this.documents === 0;
    if (lost || this.writeBlockedSince !== undefined) this.opts.counters.reject('shed_stale');
    this.close(lost ? errorLine('shed_stale', error) : undefined);
  }

  expire(e: Expiry, documentMs: number): void {
    if (this.closing) return;
    if (e === 'write_timeout') {
      // Its replies are unread: nothing more is written (close destroys it).
      this.opts.counters.reject('write_timeout');
      this.close(undefined);
    } else if (e === 'document_timeout') {
      this.opts.counters.reject('document_timeout');
      this.close(
        errorLine(
          'document_timeout',
          `no complete document within ${documentMs / 1000}s (each document must arrive whole within that time of the previous one); connection closed`,
        ),
      );
    } else {
      this.close(undefined);
    }
  }

  begin(preface?: Preface): void {
    if (preface) {
      for (const chunk of preface.chunks) this.data(chunk);
      if (preface.ended) this.ended();
    }
    this.socket.resume();
  }

  /** Stops serving: says why (`line`, when the client can still read it), ends, and leaves the slot. */
  private close(line: string | undefined): void {
    const { socket } = this;
    this.closing = true;
    this.framer?.stop();
    this.partialBytes = 0;
    if (this.writeBlockedSince !== undefined) {
      // Its replies are stuck unread: a polite end would never complete.
      socket.destroy();
      return;
    }
    this.hooks.leaving(this);
    // Already ended by the client and answered: nothing more to say; the linger bounds the rest.
    if (socket.writableEnded) return;
    // Whatever else it sends is read and dropped (see onData): closing with unread data
    // would reset the connection and lose the line below. The socket closes once the client
    // closes its side too, or when the server's linger runs out.
    socket.resume();
    // Replies already answered go first: one held for the client's end is never dropped.
    const text = this.outbox + (line ?? '');
    this.outbox = '';
    if (text === '') socket.end();
    else socket.end(text);
  }

  private replied(r: DocumentReply): void {
    this.unanswered--;
    this.outbox += replyLine(r);
    // The connection's last reply goes out now once the client has ended. While the batch
    // holds more of its documents, they come first, and a reply whose batch is done but
    // whose connection still has documents in a later batch is written once this batch is
    // answered. A client that has not ended yet gets its reply on the next turn: its end is
    // usually on its way, is read in that turn's poll, and then the reply and the close
    // leave together (see done()), so the client is woken once, not twice (docs/performance.md).
    if (this.unanswered === 0 && (this.peerEnded || this.closing)) this.flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      if (this.unanswered === 0) setImmediate(Connection.flushLater, this);
      else process.nextTick(Connection.flushLater, this);
    }
  }

  private flush(): void {
    const { socket } = this;
    const text = this.outbox;
    this.outbox = '';
    if (text !== '' && !socket.destroyed && socket.writable) {
      const data = text === OK_LINE ? OK_BUFFER : text;
      socket.write(data);
      if (socket.writableNeedDrain && this.writeBlockedSince === undefined) this.blocked();
    }
    this.maybeEnd();
  }

  /** The client is not reading its replies: stop reading its documents until it does, and let the write deadline run. */
  private blocked(): void {
    this.socket.pause();
    this.writeBlockedSince = this.opts.now();
    this.socket.once('drain', () => {
      this.writeBlockedSince = undefined;
      if (!this.closing && !this.framer?.holding) this.socket.resume();
    });
  }

  private maybeEnd(): void {
    const { socket } = this;
    if (this.unanswered > 0 || this.outbox !== '' || socket.destroyed || socket.writableEnded) return;
    if (this.closing) {
      // After too_large: the reply is out; the client's end (or the linger) closes the socket.
      socket.end();
      socket.resume();
    } else if (this.peerEnded) this.done();
  }

  /**
   * The client has ended and every reply is written: the connection closes at once. A Unix
   * socket's written data already sits in the client's queue, and this side has read to
   * the end, so closing loses nothing and tells the client EOF. That spares a shutdown, the
   * turn of the event loop that waits for it, and a second wake-up of the client
   * (docs/performance.md). A reply the client has not taken in yet is ended politely.
   */
  private done(): void {
    const { socket } = this;
    if (socket.writableLength === 0) socket.destroy();
    else socket.end();
  }

  /** Only a completed document restarts the clock; bytes of an unfinished one do not. */
  private framed(before: number): void {
    this.partialBytes = this.framer?.partialBytes ?? 0;
    if (this.documents !== before && !this.closing) {
      this.documentSince = this.opts.now();
      this.sweepMark = this.hooks.sweeps();
    }
  }

  private data(chunk: Buffer): void {
    if (this.closing) return;
    const before = this.documents;
    const { maxMessageBytes } = this.opts;
    if (this.framer === undefined && frameWholeLine(chunk, maxMessageBytes, this.hooks.budget, this)) {
      this.framed(before);
      return;
    }
    // The connection is the framer's sink: one object less per connection.
    this.framer ??= new NdjsonFramer(maxMessageBytes, this, MAX_DOCUMENTS_PER_TURN, this.hooks.budget);
    const held = this.framer.push(chunk);
    this.framed(before);
    if (held && !this.closing) {
      this.socket.pause();
      setImmediate(Connection.proceed, this);
    }
  }

  private ended(): void {
    const { framer } = this;
    if (framer !== undefined) {
      const before = this.documents;
      framer.end();
      this.framed(before);
      if (framer.holding) return;
    }
    this.peerDone();
  }

  /** The client's end is framed: a reply held for it (see replied()) leaves with it. */
  private peerDone(): void {
    this.peerEnded = true;
    if (this.unanswered === 0 && this.outbox !== '') this.flush();
    else this.maybeEnd();
  }

  // A chunk of many small documents (a flood) is framed over several turns, so that one
  // client never holds the event loop, and every other client's documents go in between.
  private static proceed(c: Connection): void {
    // Only a framer holds lines for a later turn.
    const framer = c.framer;
    if (c.closing || framer === undefined) return;
    const before = c.documents;
    const again = framer.resume();
    c.framed(before);
    if (c.closing) return;
    if (again) setImmediate(Connection.proceed, c);
    else if (framer.ended) c.peerDone();
    else if (c.writeBlockedSince === undefined) c.socket.resume();
  }

  private static flushLater(c: Connection): void {
    c.flushQueued = false;
    if (c.outbox !== '') c.flush();
  }

  // The socket's handlers, one set for every connection: `this` is the socket.
  private static onData(this: Socket, chunk: Buffer): void {
    (this as Served)[CONNECTION].data(chunk);
  }

  private static onEnd(this: Socket): void {
    (this as Served)[CONNECTION].ended();
  }

  private static onError(this: Socket, err: Error): void {
    (this as Served)[CONNECTION].opts.log.debug({ err: err.message }, 'client connection error');
  }

  private static onClose(this: Socket): void {
    const c = (this as Served)[CONNECTION];
    // A closed socket can outlive many young-generation collections before a full one
    // frees it; whatever it still points to is copied with it each time (docs/performance.md).
    (this as Partial<Served>)[CONNECTION] = undefined;
    c.framer = undefined;
    c.hooks.closed(c);
  }
}
