import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shownValue } from './shown-value.ts';

/** `[[[…]]]` nested deeper than the stack lets JSON.stringify or String() walk. */
function deepArray(depth: number): unknown {
  return JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;
}

test('primitives are shown as JSON would write them, strings cut to the limit', () => {
  assert.equal(shownValue('abc'), '"abc"');
  assert.equal(shownValue('x'.repeat(70)), `"${'x'.repeat(64)}"…`);
  assert.equal(shownValue(1.5), '1.5');
  assert.equal(shownValue(Infinity), 'Infinity');
  assert.equal(shownValue(null), 'null');
  assert.equal(shownValue(false), 'false');
  assert.equal(shownValue(undefined), 'nothing');
});

test('objects and arrays are named, never walked: deep nesting and a hostile toString cannot throw', () => {
  const deep = deepArray(200_000);
  assert.throws(() => JSON.stringify(deep), RangeError, 'the input must be deep enough to overflow a walk');
  assert.equal(shownValue(deep), 'an array of 1');
  const toStringKey: unknown = JSON.parse('{"toString":1}');
  assert.throws(() => String(toStringKey), TypeError);
  assert.equal(shownValue(toStringKey), 'an object');
});
