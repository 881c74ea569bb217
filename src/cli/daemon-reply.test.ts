import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasCode, readReply } from './daemon-reply.ts';

test('the reply envelope: ok, error with and without a code, and what is neither', () => {
  assert.deepEqual(readReply('{"status":"ok","granted":true}'), {
    kind: 'ok',
    body: { status: 'ok', granted: true },
  });
  assert.deepEqual(readReply('{"status":"error","code":"too_large","error":"document too large"}'), {
    kind: 'error',
    code: 'too_large',
    text: 'document too large',
  });
  assert.deepEqual(readReply('{"status":"error","error":"nope"}'), { kind: 'error', code: undefined, text: 'nope' });
  assert.deepEqual(readReply('{"status":"error","code":"x y"}'), {
    kind: 'error',
    code: undefined,
    text: '{"status":"error","code":"x y"}',
  });
  assert.deepEqual(readReply('nope'), { kind: 'not-json' });
  assert.deepEqual(readReply('null'), { kind: 'not-object' });
  assert.deepEqual(readReply('[1]'), { kind: 'not-object' });
  assert.deepEqual(readReply('{"granted":true}'), { kind: 'no-status' });
  assert.equal(
    hasCode(readReply('{"status":"error","code":"unsupported_type","error":"x"}'), 'unsupported_type'),
    true,
  );
  assert.equal(hasCode(readReply('{"status":"error","error":"unsupported_type"}'), 'unsupported_type'), false);
  assert.equal(hasCode(readReply('{"status":"ok","code":"unsupported_type"}'), 'unsupported_type'), false);
});
