// Server-Sent Events, parsed from text as it arrives (the WHATWG "event stream
// interpretation"): lines end in CRLF, LF or CR, and a chunk may end anywhere, even
// between the CR and LF of one line ending; `:` lines are comments (the daemon's
// heartbeat); a blank line dispatches the event. A line longer than the bound is an
// error, so that a stream without line breaks cannot make patience buffer without end.
// Pure: no sockets, so every way of splitting a stream is tested directly.

export interface SseEvent {
  /** The `event:` field, `message` when the event named none. */
  type: string;
  /** The `data:` lines joined with \n. */
  data: string;
  /** The last `id:` seen, when any. */
  id: string | undefined;
}

export class SseLineTooLong extends Error {
  override readonly name = 'SseLineTooLong';
}

export class SseParser {
  private partial = '';
  /** The previous chunk ended in CR: an LF first in this one belongs to that line ending. */
  private afterCR = false;
  private started = false;
  private type = '';
  private data: string[] = [];
  private dataLength = 0;
  private lastId: string | undefined;

  /** `maxLineLength`: the longest line, and the longest data of one event, in UTF-16 units. */
  constructor(private readonly maxLineLength: number) {}

  /** Takes the next decoded text; returns the events it completes. Throws SseLineTooLong. */
  push(text: string): SseEvent[] {
    let chunk = text;
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.startsWith('\ufeff')) chunk = chunk.slice(1);
    }
    if (chunk.length === 0) return [];
    const events: SseEvent[] = [];
    let from = 0;
    if (this.afterCR && chunk.startsWith('\n')) from = 1;
    this.afterCR = false;
    const ends = /\r\n|\r|\n/g;
    ends.lastIndex = from;
    for (let m = ends.exec(chunk); m !== null; m = ends.exec(chunk)) {
      const line = this.partial + chunk.slice(from, m.index);
      this.partial = '';
      this.checkLength(line.length);
      // A CR at the very end may be the first half of a CRLF split across chunks.
      if (m[0] === '\r' && m.index === chunk.length - 1) this.afterCR = true;
      from = m.index + m[0].length;
      const event = this.line(line);
      if (event) events.push(event);
    }
    this.partial += chunk.slice(from);
    this.checkLength(this.partial.length);
    return events;
  }

  private checkLength(n: number): void {
    if (n > this.maxLineLength) throw new SseLineTooLong(`an event stream line is longer than ${this.maxLineLength}`);
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.type = value;
    else if (field === 'data') {
      this.dataLength += value.length + 1;
      this.checkLength(this.dataLength);
      this.data.push(value);
    } else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    // retry: and unknown fields are ignored, as the standard says.
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const type = this.type;
    const data = this.data;
    this.type = '';
    this.data = [];
    this.dataLength = 0;
    if (data.length === 0) return undefined;
    return { type: type || 'message', data: data.join('\n'), id: this.lastId };
  }
}
