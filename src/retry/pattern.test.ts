import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePattern, PatternError } from './pattern.ts';

const m = (pattern: string, text: string, ci = false): boolean => compilePattern(pattern, ci).test(text);

test('plain patterns and a leading (?i)', () => {
  assert.ok(m('deployed', 'app deployed ok'));
  assert.ok(!m('deployed', 'DEPLOYED'));
  assert.ok(m('(?i)deployed', 'DEPLOYED'));
  assert.ok(m('deployed', 'DEPLOYED', true));
  assert.ok(m('(?s)a.b', 'a\nb'));
  assert.ok(!m('a.b', 'a\nb'));
  assert.ok(m('(?m)^b$', 'a\nb\nc'));
  assert.ok(m('(?i)(?s)A.B', 'a\nb'));
});

test('RE2 syntax that JavaScript spells differently is translated', () => {
  assert.ok(m('(?P<code>\\d{3}) error', '503 error'));
  assert.equal(compilePattern('(?P<code>\\d+)').exec('x 42')?.groups?.code, '42');
  assert.ok(m('\\Aready', 'ready now'));
  assert.ok(!m('\\Aready', 'not ready'));
  assert.ok(m('done\\z', 'all done'));
  assert.ok(!m('(?m)done\\z', 'done\nmore'));
  assert.ok(m('[[:digit:]]+ ms', 'took 12 ms'));
  assert.ok(m('[[:^alpha:]]', 'abc1'));
  assert.ok(!m('^[[:^alpha:]]+$', 'abc'));
  assert.ok(m('[^[:space:]]', '  x '));
  assert.ok(m('\\Q1+1=2?\\E', 'is 1+1=2? yes'));
  assert.ok(m('\\pL\\p{Greek}', 'xλ'));
  assert.ok(m('\\P{Greek}', 'x'));
  assert.ok(m('\\x{263a}', 'smile ☺'));
  assert.ok(m('\\101', 'A'));
  assert.ok(m('a\\-b\\#c\\:d', 'a-b#c:d'));
  assert.ok(m('[]a]', ']'));
  assert.ok(m('x{,2}', 'x{,2}'));
  assert.ok(m('a{2}', 'aa'));
  assert.ok(m('a]b}', 'a]b}'));
  assert.ok(m('\\a\\f\\t\\v', '\x07\f\t\v'));
});

test('what JavaScript cannot express, or RE2 does not allow, is an error naming it', () => {
  const cases: Array<[string, RegExp]> = [
    ['\\C', /\\C/],
    ['(?U)a+', /\(\?U\)/],
    ['a(?i)b', /start of the pattern/],
    ['(?i:a)b', /flag groups/],
    ['(a)\\1', /backreference/],
    ['(?=a)', /lookahead/],
    ['a\\Z', /\\Z/],
    ['\\e', /invalid escape \\e/],
    ['[[:bogus:]]', /unknown character class/],
    ['[a-', /missing \]/],
    ['(', /invalid regular expression/],
    ['a**', /invalid regular expression/],
    ['x\\', /trailing backslash/],
    ['(?P<1x>a)', /group name/],
    ['(?x)a', /unknown flag 'x'/],
  ];
  for (const [pattern, want] of cases) {
    assert.throws(
      () => compilePattern(pattern),
      (err: unknown) => err instanceof PatternError && want.test(err.message),
      pattern,
    );
  }
});
