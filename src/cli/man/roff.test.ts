import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arg, bold, esc, literal, page, para, textLine } from './roff.ts';

test('esc: backslashes, hyphens as minus signs, and the non-ASCII of the tables by name', () => {
  assert.equal(esc('--max-delay'), '\\-\\-max\\-delay');
  assert.equal(esc('C:\\dir'), 'C:\\edir');
  assert.equal(esc('a × b − c … α’s'), 'a \\(mu b \\- c .\\|.\\|. \\(*a\\(cqs');
  assert.equal(esc('snow ☃'), 'snow \\[u2603]');
});

test('a text line that would start with . or \x27 is guarded; newlines and edge spaces go', () => {
  assert.equal(textLine('.hidden request'), '\\&.hidden request');
  assert.equal(textLine("'quoted"), "\\&'quoted");
  assert.equal(textLine('  two\n  lines '), 'two lines');
  assert.deepEqual(para('.patience.toml is read first'), ['.PP', '\\&.patience.toml is read first']);
  assert.deepEqual(literal(['.x', 'a-b']), ['.RS 4', '.nf', '\\&.x', 'a\\-b', '.fi', '.RE']);
});

test('macro arguments are quoted, their quotes spelled; fonts wrap escaped text', () => {
  assert.equal(arg('say "hi"'), '"say \\(dqhi\\(dq"');
  assert.equal(bold('-a'), '\\fB\\-a\\fR');
  const text = page({ name: 'x', section: 1, source: 'x 1.0', manual: 'User Commands' }, [para('hello')]);
  assert.match(text, /^\.\\" Generated .*\n\.TH X 1 "" "x 1\.0" "User Commands"\n\.nh\n\.ad l\n\.PP\nhello\n$/);
});
