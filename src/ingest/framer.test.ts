// The NDJSON framer with plain Buffers: no socket, no timer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DOCUMENTS_PER_TURN, NdjsonFramer, frameWholeLine } from './framer.ts';
import { TurnBudget } from './turn-budget.ts';

/** A framer whose sink notes what comes out: `doc:TEXT`, `obj:JSON` or `too_large`. */
function framer(maxBytes = 1024, perTurn = MAX_DOCUMENTS_PER_TURN) {
  const out: string[] = [];
  const f = new NdjsonFramer(
    maxBytes,
    {
      document: (bytes) => out.push(`doc:${bytes.toString('utf8')}`),
      object: (value) => out.push(`obj:${JSON.stringify(value)}`),
      tooLarge: () => out.push('too_large'),
    },
    perTurn,
  );
  return { f, out };
}

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

/** What came out, as values: a document that parses, and an object, look the same. */
const values = (out: readonly string[]): unknown[] =>
  out.map((e) => {
    const text = e.slice(4);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return e;
    }
  });

test('documents split across two chunks at every byte offset come out whole and in order', () => {
  // Multi-byte UTF-8, a CRLF line, blank lines, a line that is not JSON, a last document without newline.
  const input = b('{"a":"é€😀"}\n\n{"b":[1,2]}\r\n  \nnot json\n[3]\n{"c":{"d":"}"}}\n{"last":true}');
  const expected = [{ a: 'é€😀' }, { b: [1, 2] }, 'doc:not json', [3], { c: { d: '}' } }, { last: true }];
  for (let cut = 0; cut <= input.length; cut++) {
    const { f, out } = framer();
    f.push(input.subarray(0, cut));
    f.push(input.subarray(cut));
    f.end();
    assert.deepEqual(values(out), expected, `cut at byte ${cut}`);
    assert.equal(f.partialBytes, 0);
  }
});

test('the same input byte by byte, each byte in a buffer of its own that is then overwritten', () => {
  const input = b('{"a":"é€😀"}\n{"b":2}\r\n{"c":3}');
  const { f, out } = framer();
  for (let i = 0; i < input.length; i++) {
    const one = Buffer.from([input[i] ?? 0]);
    f.push(one);
    one.fill(0x78); // the stream may reuse its memory: the framer must have copied what it keeps
  }
  f.end();
  assert.deepEqual(values(out), [{ a: 'é€😀' }, { b: 2 }, { c: 3 }]);
});

test('CRLF: one CR before the newline is dropped; a line of CRLF alone is blank', () => {
  const { f, out } = framer();
  f.push(b('{"a":1}\r\n\r\n[1]\r\n'));
  assert.deepEqual(out, ['doc:{"a":1}', 'doc:[1]']);
});

test('blank lines are no document, whatever whitespace they hold, and a document may start blank', () => {
  const { f, out } = framer();
  f.push(b('\n\n   \n\t\r\n \u00a0\n  {"a":1}\n\u00a0\n'));
  f.end();
  assert.deepEqual(out, ['doc:  {"a":1}', 'doc:\u00a0'], 'a line that starts with a no-break space is not blank');
});

test('max bytes: a document of exactly maxBytes is framed, one byte more is too large (a CR counts)', () => {
  const doc = `{"k":"${'x'.repeat(10 - 8)}"}`;
  assert.equal(doc.length, 10);
  {
    const { f, out } = framer(10);
    f.push(b(`${doc}\n`));
    assert.deepEqual(out, [`doc:${doc}`]);
  }
  {
    const { f, out } = framer(10);
    f.push(b(`${doc.slice(0, 4)}`));
    f.push(b(doc.slice(4)));
    f.push(b('\n'));
    assert.deepEqual(out, [`obj:${doc}`], 'whole at 10 bytes, parsed before its newline arrived');
  }
  {
    const { f, out } = framer(10);
    f.push(b(`[1,2,3,45]`));
    f.end();
    assert.deepEqual(out, ['doc:[1,2,3,45]'], 'exactly maxBytes, no newline, then the end');
  }
  for (const over of [`{"k":"xxx"}\n`, `${doc}\r\n`]) {
    const { f, out } = framer(10);
    f.push(b(over));
    assert.deepEqual(out, ['too_large'], JSON.stringify(over));
  }
  {
    const { f, out } = framer(10);
    f.push(b('[1,2,3,456'));
    f.push(b('7'));
    assert.deepEqual(out, ['too_large'], 'one over, split, before any newline');
  }
});

test('a huge line is refused at the chunk that passes the limit; never more than maxBytes is held, and nothing more comes out', () => {
  const { f, out } = framer(1000);
  f.push(b(`{"k":"${'x'.repeat(600)}`));
  assert.equal(f.partialBytes, 606);
  assert.deepEqual(out, []);
  f.push(b('x'.repeat(600)));
  assert.deepEqual(out, ['too_large']);
  assert.equal(f.partialBytes, 0, 'what was held is dropped');
  f.push(b('"}\n{"a":1}\n'));
  f.push(b('{"b":2}'));
  f.end();
  assert.deepEqual(out, ['too_large'], 'the framer has stopped');

  const big = framer(1000);
  big.f.push(Buffer.alloc(10 * 1024 * 1024, 0x78));
  assert.deepEqual(big.out, ['too_large'], 'a 10 MiB chunk without a newline');
  assert.equal(big.f.partialBytes, 0);
});

test('many documents in one chunk: at most perTurn lines per call, the rest held for resume(), in order', () => {
  const n = 1000;
  const chunk = b(Array.from({ length: n }, (_, i) => `{"i":${i}}\n`).join(''));
  const { f, out } = framer();
  assert.equal(f.push(chunk), true, 'held: resume() is due');
  assert.equal(out.length, MAX_DOCUMENTS_PER_TURN);
  assert.equal(f.holding, true);
  // A chunk that arrives meanwhile joins the held lines (resume() is already due).
  assert.equal(f.push(b('{"i":1000}\n{"i":10')), false);
  f.end();
  assert.equal(f.ended, false, 'the end waits for the held lines');
  assert.equal(f.resume(), true);
  assert.equal(out.length, 2 * MAX_DOCUMENTS_PER_TURN);
  assert.equal(f.resume(), true);
  assert.equal(out.length, 3 * MAX_DOCUMENTS_PER_TURN);
  assert.equal(f.resume(), false);
  assert.equal(f.holding, false);
  assert.equal(f.ended, true);
  assert.deepEqual(
    out,
    [...Array.from({ length: n + 1 }, (_, i) => `doc:{"i":${i}}`), 'doc:{"i":10'],
    'every document once, in order, and the unfinished one at the end',
  );
});

test('blank lines count toward the lines of a turn', () => {
  const { f, out } = framer(1024, 4);
  assert.equal(f.push(b('\n\n\n\n{"a":1}\n')), true);
  assert.deepEqual(out, []);
  assert.equal(f.resume(), false);
  assert.deepEqual(out, ['doc:{"a":1}']);
});

test('a last document without newline: an object comes out at once, parsed; anything else at the end', () => {
  {
    const { f, out } = framer();
    f.push(b('{"go":"client"}'));
    assert.deepEqual(out, ['obj:{"go":"client"}'], 'before the client half-closes');
    f.end();
    assert.deepEqual(out, ['obj:{"go":"client"}'], 'once');
  }
  {
    const { f, out } = framer();
    f.push(b('[1,2]'));
    f.push(b('{"a":'));
    assert.deepEqual(out, []);
    f.end();
    assert.deepEqual(out, ['doc:[1,2]{"a":']);
  }
  {
    const { f, out } = framer();
    f.push(b('{"a":1}\n{"b":'));
    f.end();
    assert.deepEqual(out, ['doc:{"a":1}', 'doc:{"b":'], 'unfinished: handed on as it is, for the handler to refuse');
  }
  {
    const { f, out } = framer();
    f.push(b('{"a":1}  \r\n'));
    f.push(b('   \r'));
    f.end();
    assert.deepEqual(out, ['doc:{"a":1}  '], 'trailing blanks at the end are no document');
  }
});

test('the early parse is tried again only once the part has doubled (a drip of "}" is linear work)', () => {
  {
    const { f, out } = framer();
    f.push(b('{"k":"}')); // 7 bytes, not JSON yet: tried at 7
    f.push(b('"}')); // 9 bytes, whole, but under 2 × 7: not tried
    assert.deepEqual(out, []);
    f.end();
    assert.deepEqual(out, ['doc:{"k":"}"}'], 'it comes out at the end, as a line');
  }
  {
    const { f, out } = framer();
    f.push(b('{"k":"}')); // tried at 7
    f.push(b('","l":"xxxx"}')); // 20 bytes: tried again, whole
    assert.deepEqual(out, ['obj:{"k":"}","l":"xxxx"}']);
  }
});

test('stop() drops what is held and ends framing', () => {
  const { f, out } = framer(1024, 1);
  f.push(b('{"a":1}\n{"b":2}\n{"c":'));
  assert.equal(f.holding, true);
  f.stop();
  assert.equal(f.holding, false);
  assert.equal(f.partialBytes, 0);
  assert.equal(f.resume(), false);
  f.push(b('3}\n'));
  f.end();
  assert.deepEqual(out, ['doc:{"a":1}']);
});

test('framers sharing a turn budget: none frames once it is spent; the held lines come out after the refill, in order', () => {
  let refill: (() => void) | undefined;
  const budget = new TurnBudget(3, (r) => (refill = r));
  const one = (): { f: NdjsonFramer; out: string[] } => {
    const out: string[] = [];
    const sink = {
      document: (bytes: Buffer) => out.push(bytes.toString('utf8')),
      object: () => undefined,
      tooLarge: () => undefined,
    };
    return { f: new NdjsonFramer(1024, sink, MAX_DOCUMENTS_PER_TURN, budget), out };
  };
  const a = one();
  const c = one();
  assert.equal(a.f.push(b('{"a":1}\n{"a":2}\n')), false);
  assert.equal(c.f.push(b('{"c":1}\n{"c":2}\n')), true, 'the third line of the turn is the last the budget allows');
  assert.deepEqual(c.out, ['{"c":1}']);
  assert.equal(c.f.resume(), true, 'still spent: nothing is framed');
  assert.deepEqual(c.out, ['{"c":1}']);
  refill?.();
  assert.equal(c.f.resume(), false);
  assert.deepEqual([...a.out, ...c.out], ['{"a":1}', '{"a":2}', '{"c":1}', '{"c":2}']);
});

test('frameWholeLine takes only a first chunk that is one whole line, within the bound and the budget', () => {
  const out: string[] = [];
  const sink = {
    document: (bytes: Buffer) => out.push(bytes.toString('utf8')),
    object: () => out.push('object'),
    tooLarge: () => out.push('too_large'),
  };
  const whole = (text: string, maxBytes = 1024, budget: { take(): boolean } = { take: () => true }) =>
    frameWholeLine(Buffer.from(text), maxBytes, budget, sink);
  assert.equal(whole('{"a":1}\n'), true);
  assert.equal(whole('{"b":2}\r\n'), true, 'a CR before the newline is dropped');
  assert.equal(whole('  \n'), true, 'a blank line is taken and completes nothing');
  assert.deepEqual(out, ['{"a":1}', '{"b":2}']);
  assert.equal(whole('{"c":3}'), false, 'no newline: a framer waits for the rest');
  assert.equal(whole('{"d":4}\n{"e":5}\n'), false, 'two lines: a framer frames them');
  assert.equal(whole(''), false);
  assert.equal(whole('{"f":6}\n', 6), false, 'over maxBytes: the framer answers too_large');
  assert.equal(whole('{"g":7}\n', 1024, { take: () => false }), false, 'budget spent: the framer holds it');
  assert.deepEqual(out, ['{"a":1}', '{"b":2}'], 'a refused chunk frames nothing');
});
