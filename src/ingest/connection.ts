// One client connection: NDJSON framing (plus the Go client's single document that ends
// without a newline), limits, and one reply line per document, in document order.
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { validateRunRecord } from '../shared/run-record.ts';
import type { Redact } from '../shared/redact.ts';
import type { Batcher, Outcome } from './batcher.ts';
import type { IngestCounters } from './counters.ts';

export interface ConnectionOptions {
  maxMessageBytes: number;
  idleTimeoutMs: number;
  batcher: Batcher;
  counters: IngestCounters;
  now: () => number;
  log: Logger;
  /** Hides credentials in every text field; the built-in redaction when unset. */
  redact?: Redact;
  /** Answers a control request (a document with a "type"), or undefined when the type is not one it serves. */
  control?: (request: { type: unknown }) => Record<string, unknown> | undefined;
}

const NEWLINE = 0x0a;
const OK_LINE = '{"status":"ok"}\n';
const OK_BUFFER = Buffer.from(OK_LINE);

export function serveConnection(socket: Socket, opts: ConnectionOptions, onClose: () => void): void {
  let parts: Buffer[] = [];
  let partLen = 0;
  let pending = 0;
  let documents = 0;
  let peerEnded = false;
  let closing = false;

  // Replies of one batch go out in one write: a streaming client gets hundreds per turn.
  let outbox = '';
  const flushOutbox = (): void => {
    const text = outbox;
    outbox = '';
    if (text !== '' && !socket.destroyed && socket.writable) {
      socket.write(text === OK_LINE ? OK_BUFFER : text);
      if (socket.writableNeedDrain && !socket.isPaused()) {
        // The client is not reading its replies: stop reading its documents until it does.
        socket.pause();
        socket.once('drain', () => {
          if (!closing) socket.resume();
        });
      }
    }
    maybeEnd();
  };

  const reply = (o: Outcome): void => {
    pending--;
    if (outbox === '') queueMicrotask(flushOutbox);
    outbox += o.ok ? (o.reply ? `${JSON.stringify(o.reply)}\n` : OK_LINE) : `${JSON.stringify({ status: 'error', error: o.error })}\n`;
  };

  const maybeEnd = (): void => {
    if (pending > 0 || outbox !== '' || socket.destroyed) return;
    if (closing) socket.end(() => socket.destroy());
    else if (peerEnded) socket.end();
  };

  const handleDocument = (buf: Buffer): void => {
    let text = buf.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    // Blank lines are skipped; trim() copies, so only for text that starts blank.
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) return;
    documents++;
    pending++;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      opts.batcher.reject('invalid_json', `invalid JSON: ${(err as Error).message}`, reply);
      return;
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'type' in value) {
      const answer = opts.control?.(value as { type: unknown });
      if (answer) {
        opts.batcher.answer(answer, reply);
        return;
      }
      const type = JSON.stringify((value as { type: unknown }).type) ?? 'undefined';
      opts.batcher.reject('unsupported_type', `type: coordination request ${type.slice(0, 64)} is not supported by this daemon`, reply);
      return;
    }
    const checked = validateRunRecord(value, opts.now(), opts.redact);
    if (checked.ok) opts.batcher.add(checked.record, reply);
    else opts.batcher.reject('invalid_record', checked.error, reply);
  };

  const tooLarge = (): void => {
    parts = [];
    partLen = 0;
    documents++;
    pending++;
    closing = true;
    socket.pause();
    opts.batcher.reject('too_large', `document exceeds max_message_bytes (${opts.maxMessageBytes} bytes)`, reply);
  };

  socket.on('data', (chunk: Buffer) => {
    if (closing) return;
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (partLen + piece.length > opts.maxMessageBytes) return tooLarge();
      if (partLen === 0) handleDocument(piece);
      else {
        parts.push(piece);
        handleDocument(Buffer.concat(parts, partLen + piece.length));
        parts = [];
        partLen = 0;
      }
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (partLen + rest.length > opts.maxMessageBytes) return tooLarge();
      // Copy: the chunk's memory may be reused by the stream.
      parts.push(Buffer.from(rest));
      partLen += rest.length;
    }
  });

  socket.on('end', () => {
    peerEnded = true;
    if (!closing && partLen > 0) {
      handleDocument(Buffer.concat(parts, partLen));
      parts = [];
      partLen = 0;
    }
    maybeEnd();
  });

  socket.setTimeout(opts.idleTimeoutMs);
  socket.on('timeout', () => {
    if (pending > 0) return;
    if (partLen > 0 || documents === 0) {
      opts.counters.reject('idle_timeout');
      const msg = `idle for more than ${opts.idleTimeoutMs / 1000}s; connection closed`;
      socket.write(`${JSON.stringify({ status: 'error', error: msg })}\n`);
    }
    closing = true;
    socket.end(() => socket.destroy());
  });

  socket.on('error', (err) => opts.log.debug({ err: err.message }, 'client connection error'));
  socket.on('close', onClose);
}
