import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseLineTooLong, SseParser, type SseEvent } from './sse.ts';

const STREAM =
  'retry: 3000\n\n' +
  ': heartbeat\n\n' +
  'id: 7\nevent: run\ndata: {"id":7,"command":"make deploy"}\n\n' +
  ': heartbeat\n\n' +
  'id: 8\r\nevent: run\r\ndata: {"id":8,"command":"日本語"}\r\n\r\n' +
  'event: other\rdata: first\rdata:second\r\r';

const WANT: SseEvent[] = [
  { type: 'run', data: '{"id":7,"command":"make deploy"}', id: '7' },
  { type: 'run', data: '{"id":8,"command":"日本語"}', id: '8' },
  { type: 'other', data: 'first\nsecond', id: '8' },
];

function feed(chunks: string[], max = 1 << 20): SseEvent[] {
  const p = new SseParser(max);
  return chunks.flatMap((c) => p.push(c));
}

test('a whole stream: events with their type, data and id; comments and retry ignored', () => {
  assert.deepEqual(feed([STREAM]), WANT);
});

test('split at every position, and one character at a time, the events are the same', () => {
  for (let i = 0; i <= STREAM.length; i++) {
    assert.deepEqual(feed([STREAM.slice(0, i), STREAM.slice(i)]), WANT, `split at ${i}`);
  }
  assert.deepEqual(feed([...STREAM]), WANT);
});

test('a CRLF split between its CR and LF ends one line, not two', () => {
  const events = feed(['data: a\r', '\n', '\r', '\ndata: b\r', '\n\r\n']);
  assert.deepEqual(
    events.map((e) => e.data),
    ['a', 'b'],
  );
});

test('an event without data, and an unfinished event at the end, dispatch nothing', () => {
  assert.deepEqual(feed(['event: run\n\n', 'data: half']), []);
});

test('a leading BOM is skipped; a field without a colon is a field with an empty value', () => {
  assert.deepEqual(feed(['\ufeffdata\n\n']), [{ type: 'message', data: '', id: undefined }]);
});

test('a line longer than the bound is an error, even when it never ends', () => {
  const p = new SseParser(100);
  assert.throws(() => {
    for (let i = 0; i < 20; i++) p.push('x'.repeat(10));
  }, SseLineTooLong);
  assert.throws(() => new SseParser(100).push(`data: ${'x'.repeat(200)}\n`), SseLineTooLong);
  // Many short data lines add up to one event: bounded too.
  const q = new SseParser(100);
  assert.throws(() => {
    for (let i = 0; i < 40; i++) q.push('data: xxxxx\n');
  }, SseLineTooLong);
});
