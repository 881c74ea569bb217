import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanText, displayWidth, pad, safeJson, truncate } from './terminal-text.ts';

test('cleanText removes escape sequences whole and other control characters', () => {
  assert.equal(cleanText('echo \u001b[31mred\u001b[0m done'), 'echo red done');
  assert.equal(cleanText('a\u001b]0;owned title\u0007b'), 'ab');
  assert.equal(cleanText('a\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\b'), 'alinkb');
  assert.equal(cleanText('x\u009b2Jy'), 'xy');
  assert.equal(cleanText('bell\u0007 del\u007f nul\u0000'), 'bell del nul');
  assert.equal(cleanText('two\nlines\tand\rcr'), 'two lines and cr');
  assert.equal(cleanText('evil\u202egnp.exe'), 'evilgnp.exe');
  assert.equal(cleanText('plain: ünïcödé 日本'), 'plain: ünïcödé 日本');
});

test('displayWidth counts terminal cells: wide characters two, combining marks none', () => {
  assert.equal(displayWidth('abc'), 3);
  assert.equal(displayWidth('日本'), 4);
  assert.equal(displayWidth('e\u0301'), 1);
  assert.equal(displayWidth('🚀'), 2);
});

test('truncate cuts to the width with an ellipsis, never past it', () => {
  assert.equal(truncate('make deploy', 20), 'make deploy');
  assert.equal(truncate('make deploy', 11), 'make deploy');
  assert.equal(truncate('make deploy', 10), 'make depl…');
  assert.equal(truncate('make deploy', 1), '…');
  assert.equal(truncate('make deploy', 0), '');
  assert.equal(truncate('日本語のコマンド', 5), '日本…');
  assert.ok(displayWidth(truncate('日本語のコマンド', 6)) <= 6);
});

test('pad fills to the width on either side', () => {
  assert.equal(pad('ab', 4, 'left'), 'ab  ');
  assert.equal(pad('ab', 4, 'right'), '  ab');
  assert.equal(pad('日', 4, 'left'), '日  ');
  assert.equal(pad('abcdef', 4, 'left'), 'abcdef');
});

test('safeJson escapes C1 controls and bidi overrides, and parses back to the same value', () => {
  const value = { command: 'a\u009b31mb\u202ec\u2028d', n: 1 };
  const text = safeJson(value);
  assert.doesNotMatch(text, /[\u0080-\u009f\u202e\u2028]/);
  assert.deepEqual(JSON.parse(text), value);
  assert.deepEqual(JSON.parse(safeJson(value, 2)), value);
});
