// What one framed document is: a run record, a control request such as {"type":"status"},
// a rate-limit {"type":"acquire"}, or something refused. Each document becomes exactly one
// batcher entry, so it gets exactly one reply, in its place in line. One handler serves
// every connection.
import { validateRunRecord } from '../shared/run-record.ts';
import type { Redact } from '../shared/redact.ts';
import { ACQUIRE_TYPE, validateAcquire } from '../coordination/acquire-request.ts';
import type { Batcher, ReplyTo } from './batcher.ts';
import { shownValue } from '../shared/shown-value.ts';

export interface DocumentOptions {
  batcher: Batcher;
  now: () => number;
  /** Hides credentials in every text field; the built-in redaction when unset. */
  redact?: Redact;
  /** Answers a control request (a document with a "type"), or undefined when the type is not one it serves. */
  control?: (request: { type: unknown }) => Record<string, unknown> | undefined;
}

export class DocumentHandler {
  constructor(private readonly opts: DocumentOptions) {}

  /** A document's bytes (one line, not blank): parsed, then queued as value() does. */
  bytes(bytes: Buffer, done: ReplyTo): void {
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      this.opts.batcher.reject('invalid_json', `invalid JSON: ${(err as Error).message}`, done);
      return;
    }
    this.value(value, done);
  }

  /** A parsed document: an object with a "type" is a request, anything else must be a run record. */
  value(value: unknown, done: ReplyTo): void {
    const { batcher } = this.opts;
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'type' in value) {
      this.request(value as { type: unknown }, done);
      return;
    }
    const checked = validateRunRecord(value, this.opts.now(), this.opts.redact);
    if (checked.ok) batcher.add(checked.record, done);
    else batcher.reject('invalid_record', checked.error, done);
  }

  private request(value: { type: unknown }, done: ReplyTo): void {
    const { batcher } = this.opts;
    if (value.type === ACQUIRE_TYPE && batcher.coordinates) {
      const checked = validateAcquire(value);
      if (checked.ok) batcher.acquire(checked.request, done);
      else batcher.reject('invalid_acquire', checked.error, done);
      return;
    }
    const answer = this.opts.control?.(value);
    if (answer) {
      batcher.answer(answer, done);
      return;
    }
    batcher.reject(
      'unsupported_type',
      `type: coordination request ${shownValue(value.type)} is not supported by this daemon`,
      done,
    );
  }
}
