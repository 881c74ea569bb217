// NDJSON framing of one connection's bytes, without the socket or any timer: chunks in,
// whole documents out, so it is tested with plain Buffers (framer.test.ts).
// - A document ends at a newline; one CR before it is dropped; blank lines are no document.
// - A document may not pass maxBytes (every byte before its newline counts, a CR included):
//   the framer says so and stops, having buffered at most maxBytes of it.
// - The Go client sends one document without a newline, then half-closes. Once what arrived
//   is a whole JSON object it is complete (nothing may follow it on its line), so it comes
//   out parsed, without waiting for the close, which a busy client may send late.
// - At most perTurn lines are framed per call, and none once the turn's budget shared by
//   every connection is spent (turn-budget.ts); the rest is held until resume(), which the
//   caller runs on a later turn of the event loop, so no client holds the loop.

import { UNLIMITED, type TurnBudget } from './turn-budget.ts';

const NEWLINE = 0x0a;
const CR = 0x0d;
const CLOSE_BRACE = 0x7d;
/** Lines framed per call (a record is ~300 bytes, so a 64 KiB read rarely holds more). */
export const MAX_DOCUMENTS_PER_TURN = 256;

/** Where the documents go, in the order they arrived. */
export interface FramerSink {
  /** A complete document: no newline, no trailing CR, not blank. May be a view of the pushed chunk: read it before returning. */
  document(bytes: Buffer): void;
  /** A document that arrived without its newline, complete because it parses as a JSON object. */
  object(value: object): void;
  /** The document being framed passed maxBytes. The framer has stopped: nothing more comes out. */
  tooLarge(): void;
}

export class NdjsonFramer {
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** The part's size at the last early parse; 0 for a new part. */
  private triedAtBytes = 0;
  /** Bytes past the per-turn limit, framed by resume(). */
  private held: Buffer | undefined;
  private endRequested = false;
  private finished = false;
  private stopped = false;

  constructor(
    private readonly maxBytes: number,
    private readonly sink: FramerSink,
    private readonly perTurn = MAX_DOCUMENTS_PER_TURN,
    private readonly budget: Pick<TurnBudget, 'take'> = UNLIMITED,
  ) {}

  /** Bytes of an unfinished document. */
  get partialBytes(): number {
    return this.partBytes;
  }

  /** Lines wait for resume(). */
  get holding(): boolean {
    return this.held !== undefined;
  }

  /** The client's end was framed: its unfinished part, if any, came out as its last document. */
  get ended(): boolean {
    return this.finished;
  }

  /**
   * Frames a chunk. True when it hit the per-turn limit: call resume() on a later turn.
   * While lines are held, a chunk joins them (and false is returned: resume() is due already).
   */
  push(chunk: Buffer): boolean {
    if (this.held) {
      this.held = Buffer.concat([this.held, chunk]);
      return false;
    }
    if (this.stopped || this.finished) return false;
    this.frame(chunk);
    return this.held !== undefined;
  }

  /** Frames the held lines. True when it hit the limit again: call it again on a later turn. */
  resume(): boolean {
    const rest = this.held;
    if (!rest) return false;
    this.held = undefined;
    this.frame(rest);
    if (this.held) return true;
    if (this.endRequested) this.finish();
    return false;
  }

  /** The client finished sending. While lines are held, this takes effect in the resume() that frames the last of them. */
  end(): void {
    if (this.held) this.endRequested = true;
    else this.finish();
  }

  /** Stops framing and drops what is buffered. */
  stop(): void {
    this.stopped = true;
    this.held = undefined;
    this.parts = [];
    this.partBytes = 0;
  }

  private finish(): void {
    if (this.stopped || this.finished) return;
    this.finished = true;
    if (this.partBytes > 0) lineOut(this.takePart(), this.sink);
  }

  private frame(chunk: Buffer): void {
    let start = 0;
    let lines = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      if (this.stopped) return;
      if (lines++ === this.perTurn || !this.budget.take()) {
        this.held = chunk.subarray(start);
        return;
      }
      const piece = chunk.subarray(start, nl);
      start = nl + 1;
      if (this.partBytes + piece.length > this.maxBytes) return this.overflow();
      if (this.partBytes === 0) lineOut(piece, this.sink);
      else {
        this.parts.push(piece);
        this.partBytes += piece.length;
        lineOut(this.takePart(), this.sink);
      }
    }
    if (start < chunk.length) this.keep(chunk.subarray(start));
  }

  /** The start (or more) of a document whose newline has not arrived. */
  private keep(rest: Buffer): void {
    if (this.partBytes + rest.length > this.maxBytes) return this.overflow();
    if (this.partBytes === 0) this.triedAtBytes = 0;
    // Copy: the chunk's memory may be reused by the stream.
    this.parts.push(Buffer.from(rest));
    this.partBytes += rest.length;
    // Parsed early only once the part has doubled since the last try: a client dripping
    // "}" bytes onto a large part then costs linear work, not a parse per byte.
    if (rest[rest.length - 1] === CLOSE_BRACE && this.partBytes >= 2 * this.triedAtBytes) {
      this.triedAtBytes = this.partBytes;
      this.parseEarly();
    }
  }

  private parseEarly(): void {
    const first = this.parts[0];
    const whole = this.parts.length === 1 && first ? first : Buffer.concat(this.parts, this.partBytes);
    let value: unknown;
    try {
      value = JSON.parse(whole.toString('utf8'));
    } catch {
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    this.parts = [];
    this.partBytes = 0;
    this.sink.object(value);
  }

  private takePart(): Buffer {
    const first = this.parts[0];
    const whole = this.parts.length === 1 && first ? first : Buffer.concat(this.parts, this.partBytes);
    this.parts = [];
    this.partBytes = 0;
    return whole;
  }

  private overflow(): void {
    this.stop();
    this.sink.tooLarge();
  }
}

/**
 * A first chunk that is one whole line (its only newline at its end), framed with no
 * framer: the usual client sends one document and ends, and a connection then costs no
 * framer of its own. False, having framed nothing, for any other chunk, for a line over
 * maxBytes, or when the turn's budget is spent: a framer takes the chunk then.
 */
export function frameWholeLine(
  chunk: Buffer,
  maxBytes: number,
  budget: Pick<TurnBudget, 'take'>,
  sink: FramerSink,
): boolean {
  const nl = chunk.length - 1;
  if (nl < 0 || nl > maxBytes || chunk[nl] !== NEWLINE || chunk.indexOf(NEWLINE) !== nl) return false;
  if (!budget.take()) return false;
  lineOut(chunk.subarray(0, nl), sink);
  return true;
}

/** A line without its newline: its CR dropped, and handed on unless it is blank. */
function lineOut(bytes: Buffer, sink: FramerSink): void {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === CR) end--;
  if (end === 0) return;
  const doc = end === bytes.length ? bytes : bytes.subarray(0, end);
  // Blank lines are skipped (and complete no document). Only a line that starts blank is
  // decoded to find out: a document's first byte is '{' or some other non-space.
  if ((doc[0] ?? 0) <= 32 && doc.toString('utf8').trim() === '') return;
  sink.document(doc);
}
