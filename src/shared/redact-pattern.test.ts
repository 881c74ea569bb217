import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRedactPattern, compileRedactPattern, compileRedactPatterns } from './redact-pattern.ts';

const apply = (source: string, text: string): string => {
  const c = compileRedactPattern(source);
  assert.ok(c.ok, c.ok ? '' : c.reason);
  return applyRedactPattern(c.pattern)(text);
};

test('user patterns mask the whole match, or only the first group', () => {
  const cases: Array<[string, string, string]> = [
    ['corp-[A-Za-z0-9]{8}', 'a corp-ABCDEFGH b corp-x', 'a *** b corp-x'],
    ['--db-pass (\\S+)', 'run --db-pass hunter2 --x', 'run --db-pass *** --x'],
    ['(?i)internal_key=(\\S+)', 'INTERNAL_KEY=abc internal_key=def', 'INTERNAL_KEY=*** internal_key=***'],
    ['tok_[a-f0-9]{8}-[a-f0-9]{4}', 'x tok_0123abcd-ef01 y', 'x *** y'],
    ['(?:foo|bar)-\\d+', 'foo-1 bar-22 baz-3', '*** *** baz-3'],
    ['secret-[A-Za-z0-9]+|pin (\\d{4})', 'secret-abc pin 1234', 'secret-abc pin ***'],
    ['x?', 'abc', 'abc'],
    ['[\\]a]+', 'b]a]b', 'b***b'],
    ['\\p{L}{2}\\d', 'éé1 a2', '*** a2'],
  ];
  for (const [source, text, want] of cases) assert.equal(apply(source, text), want, source);
});

test('patterns that cannot be proven linear-time are refused with the reason', () => {
  const refused: Array<[string, RegExp]> = [
    ['(a+)+', /repeats a group that holds a quantifier or "\|"/],
    ['(a|a)*', /repeats a group/],
    ['(?:\\w\\s?)*', /repeats a group/],
    ['(a)\\1', /backreference/],
    ['\\k<n>(?<n>a)', /backreference/],
    ['(?=a)b', /lookahead or lookbehind/],
    ['(?!a)b', /lookahead or lookbehind/],
    ['(?<=a)b', /lookahead or lookbehind/],
    ['(?<!a)b', /lookahead or lookbehind/],
    ['\\S+x', /unbounded repetition .* not the last part/],
    ['[a-z]+=', /unbounded repetition/],
    ['a+$', /unbounded repetition/],
    ['.*?x', /unbounded repetition/],
    ['(?:x+|y)z', /unbounded repetition/],
    ['a{2,}b', /unbounded repetition/],
    ['a{0,300}', /repetition count above 256/],
    ['(?:a|b)(?:a|b)(?:a|b)(?:a|b)(?:a|b)(?:a|b)(?:a|b)(?:a|b)(?:a|b)', /too many optional parts/],
    ['.{0,200}.{0,200}', /too many optional parts/],
    ['(?i:a)', /inline flag group/],
    ['[', /not a valid JavaScript regular expression/],
    ['a{', /not a valid JavaScript regular expression/],
    ['(a', /unclosed/],
    ['a)', /unmatched/],
    ['*a', /nothing to repeat/],
    ['', /is empty/],
    ['a'.repeat(257), /longer than 256 characters/],
  ];
  for (const [source, why] of refused) {
    const c = compileRedactPattern(source);
    assert.equal(c.ok, false, `accepted ${source}`);
    if (!c.ok) assert.match(c.reason, why, source);
  }
});

test('a list names the bad entry by index and quotes it; at most 32', () => {
  const r = compileRedactPatterns(['ok-[0-9]+', '(a+)+']);
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.reason, /^redact_patterns\[1\] "\(a\+\)\+" repeats a group/);
  const many = compileRedactPatterns(Array.from({ length: 33 }, (_, i) => `p${i}`));
  assert.equal(many.ok ? '' : many.reason, 'holds 33 patterns, at most 32');
  assert.equal(compileRedactPatterns([]).ok, true);
});

// The accepted shapes, run on a million characters built to make a backtracking matcher
// rescan: a quadratic pattern would take minutes; the timeout catches that.
test('accepted patterns finish on 1 MB of hostile input', { timeout: 60_000 }, () => {
  const M = 1_000_000;
  const accepted = [
    'corp-[A-Za-z0-9]{32}',
    'secret-[A-Za-z0-9]+',
    '--db-pass (\\S+)',
    'a+|b+',
    '(?:foo|bar)-\\d+',
    'x(?:y|z+)',
    '[a-z]{1,64}=',
    '.{0,16}x',
  ];
  const inputs = [
    'a'.repeat(M),
    'corp-'.repeat(M / 5),
    '--db-pass '.repeat(M / 10),
    'foo-'.repeat(M / 4),
    'xy'.repeat(M / 2),
  ];
  for (const source of accepted) {
    const c = compileRedactPattern(source);
    assert.ok(c.ok, source);
    for (const input of inputs) assert.equal(typeof applyRedactPattern(c.pattern)(input), 'string');
  }
});
