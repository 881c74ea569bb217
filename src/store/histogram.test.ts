import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogHistogram, RELATIVE_ERROR, bucketIndex, bucketValue } from './histogram.ts';

test('every value from a microsecond to a year maps to a bucket within 1%', () => {
  for (let x = 1e-6; x < 3.2e7; x *= 1.0007) {
    const v = bucketValue(bucketIndex(x));
    assert.ok(Math.abs(v - x) <= 0.01 * x, `${x} reported as ${v}`);
  }
  assert.ok(RELATIVE_ERROR < 0.01);
});

test('quantiles use the nearest rank', () => {
  const h = new LogHistogram();
  for (const x of [5, 1, 4, 2, 3]) h.add(x);
  const near = (q: number, want: number): void => {
    const got = h.quantile(q);
    assert.ok(Math.abs(got - want) <= want * 0.01, `q${q}: ${got} vs ${want}`);
  };
  near(0.2, 1);
  near(0.5, 3);
  near(0.9, 5);
  near(1, 5);
  assert.equal(h.count, 5);
});

test('zero and sub-nanosecond durations are zeros', () => {
  const h = new LogHistogram();
  h.add(0);
  h.add(1e-12);
  h.add(2);
  assert.equal(h.quantile(0.5), 0);
  assert.ok(Math.abs(h.quantile(0.99) - 2) < 0.02);
  h.remove(0);
  h.remove(1e-12);
  assert.ok(Math.abs(h.quantile(0.01) - 2) < 0.02);
});

test('an empty histogram answers 0', () => {
  assert.equal(new LogHistogram().quantile(0.5), 0);
});

test('remove takes back add, widening in both directions keeps counts', () => {
  const h = new LogHistogram();
  const values = [1, 1000, 0.001, 1e6, 1e-5, 3, 3, 3];
  for (const v of values) h.add(v);
  h.remove(1000);
  h.remove(1e-5);
  assert.equal(h.count, 6);
  const sorted = values.filter((v) => v !== 1000 && v !== 1e-5).sort((a, b) => a - b);
  sorted.forEach((v, i) => {
    const got = h.quantile((i + 1) / sorted.length);
    assert.ok(Math.abs(got - v) <= v * 0.01, `rank ${i + 1}: ${got} vs ${v}`);
  });
  assert.throws(() => h.remove(1000), /never added/);
  assert.throws(() => h.remove(0), /never added/);
});

test('merge equals adding everything to one histogram', () => {
  const a = new LogHistogram();
  const b = new LogHistogram();
  const all = new LogHistogram();
  for (let i = 0; i < 500; i++) {
    const v = Math.exp((i % 37) - 10) * (1 + (i % 7) / 10);
    (i % 3 ? a : b).add(v);
    all.add(v);
  }
  b.add(0);
  all.add(0);
  const merged = new LogHistogram();
  merged.merge(a);
  merged.merge(b);
  assert.equal(merged.count, all.count);
  for (const q of [0.01, 0.1, 0.5, 0.9, 0.99, 1]) assert.equal(merged.quantile(q), all.quantile(q), `q${q}`);
});

test('absurdly long durations share the top bucket instead of a huge window', () => {
  const h = new LogHistogram();
  h.add(1);
  h.add(1e300);
  assert.ok(h.quantile(1) >= 1e11);
});
