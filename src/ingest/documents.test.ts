// The document handler with a real batcher and store: what one hostile document is answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Batcher, type DocumentReply } from './batcher.ts';
import { IngestCounters } from './counters.ts';
import { DocumentHandler } from './documents.ts';
import { Ledger } from '../coordination/ledger.ts';
import { openStore } from '../store/index.ts';
import { NO_LIMITS, T0 } from '../store/test-support.ts';

/** Handles one document's bytes and returns its reply (the batch flushed by hand). */
function answer(text: string): DocumentReply {
  const store = openStore({ limits: NO_LIMITS, now: () => T0 });
  const batcher = new Batcher({ store, counters: new IngestCounters(), now: () => T0, ledger: new Ledger() });
  const handler = new DocumentHandler({ batcher, now: () => T0 });
  const replies: DocumentReply[] = [];
  handler.bytes(Buffer.from(text), (r) => replies.push(r));
  batcher.flush();
  assert.equal(replies.length, 1);
  return replies[0] as DocumentReply;
}

const deep = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

// Regression: the unsupported type was shown with JSON.stringify, which overflowed the stack
// on a deeply nested value; thrown from the socket's data handler, it ended the daemon.
test('a deeply nested "type" is refused as unsupported, naming the field, without walking it', () => {
  assert.deepEqual(answer(`{"type":${deep(150_000)}}`), {
    ok: false,
    reason: 'unsupported_type',
    error: 'type: coordination request an array of 1 is not supported by this daemon',
  });
  assert.deepEqual(answer('{"type":{"toString":1}}'), {
    ok: false,
    reason: 'unsupported_type',
    error: 'type: coordination request an object is not supported by this daemon',
  });
  assert.deepEqual(answer('{"type":"zz"}'), {
    ok: false,
    reason: 'unsupported_type',
    error: 'type: coordination request "zz" is not supported by this daemon',
  });
});

test('deeply nested values in an acquire and in a record timestamp are refused naming the field', () => {
  const acquire = answer(`{"type":"acquire","resource_id":${deep(150_000)},"rate_limit":1,"window_seconds":1}`);
  assert.equal(acquire.ok ? '' : acquire.reason, 'invalid_acquire');
  assert.match(acquire.ok ? '' : acquire.error, /^resource_id: .*\(got an array of 1\)$/);
  const record = `{"command":"x","final_status":"failed","total_duration_seconds":1,"attempts":[],"timestamp":`;
  for (const ts of [deep(150_000), '{"toString":1}']) {
    const r = answer(`${record}${ts}}`);
    assert.equal(r.ok ? '' : r.reason, 'invalid_record');
    assert.match(r.ok ? '' : r.error, /^timestamp: must be unix seconds .*\(got an (array of 1|object)\)$/);
  }
});
