import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ABSENT, StringPool } from './string-pool.ts';

test('a string is held until its last reference goes, then its id is reused', () => {
  const pool = new StringPool();
  const a = pool.intern('curl');
  assert.equal(pool.intern('curl'), a);
  const b = pool.intern('make');
  assert.notEqual(a, b);
  assert.notEqual(a, ABSENT);
  pool.release(a);
  assert.equal(pool.get(a), 'curl');
  pool.release(a);
  assert.equal(pool.idOf('curl'), undefined);
  assert.throws(() => pool.get(a), /unknown id/);
  assert.equal(pool.intern('ping'), a);
  assert.equal(pool.size, 2);
});

test('optional strings: undefined is ABSENT and holds nothing', () => {
  const pool = new StringPool();
  assert.equal(pool.internOptional(undefined), ABSENT);
  assert.equal(pool.getOptional(ABSENT), undefined);
  pool.release(ABSENT);
  assert.equal(pool.size, 0);
});

test('releasing more than was interned is a bug, not a silent miscount', () => {
  const pool = new StringPool();
  const id = pool.intern('x');
  pool.release(id);
  assert.throws(() => pool.release(id), /unknown id/);
});

test('retain adds a reference to an id already held, and refuses an unknown one', () => {
  const pool = new StringPool();
  const a = pool.intern('curl');
  assert.equal(pool.retain(a), a);
  pool.release(a);
  assert.equal(pool.get(a), 'curl', 'the retained reference still holds it');
  pool.release(a);
  assert.equal(pool.idOf('curl'), undefined);
  assert.throws(() => pool.retain(a), /retain of unknown id/);
});
