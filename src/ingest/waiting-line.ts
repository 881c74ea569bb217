// Connections beyond max_connections wait here for a slot. The line reads a little of
// what each waiter sends (PEEK_BYTES at most), which tells a client that has sent its
// document, and now waits for the reply, from a silent or dripping one (deadlines.ts
// decides the order). What it read is handed over, unparsed, when the waiter is served.
import type { Socket } from 'node:net';
import type { Readiness, WaiterView } from './deadlines.ts';

/** Enough for the first document of any ordinary record; a waiter costs at most this plus the socket's own buffer. */
const PEEK_BYTES = 16 * 1024;

export interface Waiter extends WaiterView {
  readonly socket: Socket;
  readonly since: number;
  readiness: Readiness;
  /** What it sent while waiting. */
  readonly chunks: Buffer[];
  bytes: number;
  /** It half-closed after sending (the Go client's document without a newline ends so). */
  ended: boolean;
  /** 0 before any content, 1 inside the first document, 2 after its newline, 3 more content after it. */
  scan: 0 | 1 | 2 | 3;
  stop(): void;
}

export class WaitingLine {
  private waiters: Waiter[] = [];

  /**
   * `changed`: a waiter's readiness changed (it may now take a slot).
   * `gone`: a waiter's client left (EOF without a byte, or an error) and was removed.
   */
  constructor(
    private readonly now: () => number,
    private readonly changed: () => void,
    private readonly gone: () => void,
  ) {}

  get length(): number {
    return this.waiters.length;
  }

  /** Oldest first. */
  get all(): readonly Waiter[] {
    return this.waiters;
  }

  add(socket: Socket): Waiter {
    const onReadable = (): void => {
      let chunk: Buffer | null;
      let read = false;
      while (w.bytes < PEEK_BYTES && (chunk = socket.read() as Buffer | null) !== null) {
        w.chunks.push(chunk);
        w.bytes += chunk.length;
        scan(w, chunk);
        read = true;
      }
      if (w.bytes >= PEEK_BYTES) socket.off('readable', onReadable);
      // A document without a newline (the Go client's) is whole once it parses as an object.
      if (read && w.scan === 1 && w.chunks.at(-1)?.at(-1) === 0x7d && isObject(Buffer.concat(w.chunks, w.bytes)))
        w.scan = 2;
      if (read) this.update(w);
    };
    const onEnd = (): void => {
      w.ended = true;
      if (w.bytes === 0) {
        this.remove(w);
        socket.destroy();
        this.gone();
      } else this.update(w);
    };
    const onError = (): void => {
      if (this.remove(w)) this.gone();
    };
    const w: Waiter = {
      socket,
      since: this.now(),
      readiness: 'nothing',
      chunks: [],
      bytes: 0,
      ended: false,
      scan: 0,
      stop: () => {
        socket.off('readable', onReadable);
        socket.off('end', onEnd);
      },
    };
    socket.on('error', onError);
    socket.on('readable', onReadable);
    socket.on('end', onEnd);
    this.waiters.push(w);
    return w;
  }

  /** Takes a waiter out of the line (it is served or dropped); stops peeking. */
  take(i: number): Waiter | undefined {
    const [w] = this.waiters.splice(i, 1);
    w?.stop();
    return w;
  }

  /** Takes every waiter that has waited waitMs or more. */
  takeExpired(now: number, waitMs: number): Waiter[] {
    let n = 0;
    while (n < this.waiters.length && now - (this.waiters[n]?.since ?? now) >= waitMs) n++;
    const out = this.waiters.splice(0, n);
    for (const w of out) w.stop();
    return out;
  }

  takeAll(): Waiter[] {
    const out = this.waiters;
    this.waiters = [];
    for (const w of out) w.stop();
    return out;
  }

  private remove(w: Waiter): boolean {
    const i = this.waiters.indexOf(w);
    if (i === -1) return false;
    this.take(i);
    return true;
  }

  private update(w: Waiter): void {
    const r: Readiness = w.scan === 3 ? 'stream' : w.scan === 2 || (w.scan === 1 && w.ended) ? 'document' : 'nothing';
    if (r === w.readiness) return;
    w.readiness = r;
    this.changed();
  }
}

function isObject(buf: Buffer): boolean {
  try {
    const v: unknown = JSON.parse(buf.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

const isSpace = (b: number): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/** Advances the waiter's scan over a new chunk: blank lines are not a document. */
function scan(w: Waiter, chunk: Buffer): void {
  for (let i = 0; i < chunk.length && w.scan !== 3; i++) {
    const b = chunk[i] ?? 0;
    if (w.scan === 1) {
      const nl = chunk.indexOf(0x0a, i);
      if (nl === -1) return;
      w.scan = 2;
      i = nl;
    } else if (!isSpace(b)) w.scan = w.scan === 0 ? 1 : 3;
  }
}
