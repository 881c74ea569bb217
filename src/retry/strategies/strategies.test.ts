import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adaptive, bucketOf, learnedDelay, type DelayOutcome } from './adaptive.ts';
import { decorrelatedJitterDelay } from './decorrelated-jitter.ts';
import { admit, deriveResourceId, diophantine, offsetGaps } from './diophantine.ts';
import { fib } from './fibonacci.ts';
import { buildBackoff, buildFallback, resolveFallback, resolveStrategy, type StrategyParams } from './index.ts';
import type { Backoff } from './types.ts';

const S = 1000;
const params = (over: Partial<StrategyParams> = {}): StrategyParams => ({
  delayMs: S,
  baseDelayMs: S,
  multiplier: 2,
  maxDelayMs: 60 * S,
  incrementMs: S,
  exponent: 2,
  fallback: 'exponential',
  fallbackParams: { baseDelayMs: S, multiplier: 2, maxDelayMs: 60 * S, exponent: 2 },
  learningRate: 0.1,
  memoryWindow: 50,
  offsetsMs: [0, 600 * S, 1800 * S],
  ...over,
});
const fixedRandom = (r: number) => () => r;
const schedule = (b: Backoff, count: number, random = fixedRandom(0.5)): number[] =>
  Array.from({ length: count }, (_, i) => b.delay(i + 1, { random }));

test('the documented default schedules', () => {
  assert.deepEqual(schedule(buildBackoff('fixed', params()), 3), [S, S, S]);
  assert.deepEqual(
    schedule(buildBackoff('exponential', params()), 8),
    [1, 2, 4, 8, 16, 32, 60, 60].map((s) => s * S),
  );
  assert.deepEqual(schedule(buildBackoff('linear', params()), 3), [S, 2 * S, 3 * S]);
  assert.deepEqual(
    schedule(buildBackoff('fibonacci', params()), 6),
    [1, 1, 2, 3, 5, 8].map((s) => s * S),
  );
  assert.deepEqual(
    schedule(buildBackoff('polynomial', params()), 4),
    [1, 4, 9, 16].map((s) => s * S),
  );
  assert.deepEqual(schedule(buildBackoff('diophantine', params()), 3), [600 * S, 1200 * S, 1200 * S]);
});

test('arithmetic saturates at the cap for huge n, never NaN, negative or wrapped', () => {
  for (const name of ['exponential', 'linear', 'fibonacci', 'polynomial', 'jitter', 'decorrelated-jitter'] as const) {
    const b = buildBackoff(name, params({ maxDelayMs: 30 * S }));
    for (const n of [1000, 5000, 1e6, Number.MAX_SAFE_INTEGER]) {
      const d = b.delay(n, { random: fixedRandom(0.999999) });
      assert.ok(Number.isFinite(d) && d >= 0 && d <= 30 * S, `${name} n=${n}: ${d}`);
    }
  }
  assert.equal(buildBackoff('exponential', params()).delay(5000, { random: Math.random }), 60 * S);
  assert.equal(buildBackoff('exponential', params({ baseDelayMs: 0 })).delay(5000, { random: Math.random }), 0);
  assert.equal(fib(2000), Infinity);
  assert.equal(buildBackoff('fibonacci', params()).delay(2000, { random: Math.random }), 60 * S);
});

test('jitter is uniform in [0, capped exponential)', () => {
  const b = buildBackoff('jitter', params());
  assert.equal(b.delay(3, { random: fixedRandom(0) }), 0);
  assert.equal(b.delay(3, { random: fixedRandom(0.5) }), 2 * S);
  assert.equal(b.delay(10, { random: fixedRandom(0.5) }), 30 * S);
});

test('decorrelated jitter grows from the previous delay, within [base, u)', () => {
  const p = { baseDelayMs: S, multiplier: 3, maxDelayMs: 10 * S };
  assert.equal(decorrelatedJitterDelay(p, 0, 0), S);
  assert.equal(decorrelatedJitterDelay(p, 0, 0.5), 2 * S); // u = 3s: uniform in [1s, 3s)
  assert.equal(decorrelatedJitterDelay(p, 2 * S, 0.5), 3.5 * S); // u = 6s
  assert.equal(decorrelatedJitterDelay(p, 9 * S, 0.5), 5.5 * S); // u capped at 10s
  assert.equal(decorrelatedJitterDelay({ ...p, multiplier: 0.5 }, 0, 0.7), S); // u = base
  const b = buildBackoff('decorrelated-jitter', params());
  const seq = schedule(b, 4, fixedRandom(0.99));
  assert.ok(
    seq.every((d, i) => d >= S && (i === 0 || d < (seq[i - 1] as number) * 2)),
    String(seq),
  );
});

test('http-aware takes the hint, capped, else its fallback with the run parameters', () => {
  const b = buildBackoff(
    'http-aware',
    params({
      maxDelayMs: 30 * 60 * S,
      fallbackParams: { baseDelayMs: 500, multiplier: 3, maxDelayMs: 4 * S, exponent: 2 },
    }),
  );
  assert.equal(b.delay(1, { random: Math.random, hintMs: 1500 }), 1500);
  assert.equal(b.delay(1, { random: Math.random, hintMs: 3 * 3600 * S }), 30 * 60 * S);
  assert.deepEqual(schedule(b, 4), [500, 1500, 4 * S, 4 * S]);
  const lin = buildBackoff('http-aware', params({ fallback: 'linear' }));
  assert.deepEqual(schedule(lin, 3), [S, 2 * S, 3 * S]);
});

test('every fallback builds', () => {
  const p = { baseDelayMs: S, multiplier: 2, maxDelayMs: 60 * S, exponent: 2 };
  assert.deepEqual(schedule(buildFallback('fixed', p), 2), [S, S]);
  assert.deepEqual(schedule(buildFallback('polynomial', p), 3), [S, 4 * S, 9 * S]);
});

test('names and aliases resolve; adaptive cannot be a fallback', () => {
  assert.equal(resolveStrategy('dj'), 'decorrelated-jitter');
  assert.equal(resolveStrategy('ha'), 'http-aware');
  assert.equal(resolveStrategy('nope'), undefined);
  assert.equal(resolveFallback('fib'), 'fibonacci');
  assert.equal(resolveFallback('adaptive'), undefined);
  assert.equal(resolveFallback('http-aware'), undefined);
});

test('adaptive buckets delays and needs 3 outcomes and a bucket with 2 samples', () => {
  assert.deepEqual(
    [0, 999, 1000, 4999, 9999, 29_999, 59_999, 60_000, 300_000, 900_000].map(bucketOf),
    [0, 0, 1, 2, 3, 4, 5, 6, 6, 6],
  );
  const p = { learningRate: 0.5, memoryWindow: 50 };
  const o = (delayMs: number, success: boolean): DelayOutcome => ({ delayMs, success });
  assert.equal(learnedDelay([o(3000, true), o(3000, true)], p), undefined);
  assert.equal(learnedDelay([o(3000, true), o(20_000, true), o(500, false)], p), undefined);
  assert.equal(learnedDelay([o(3000, true), o(3000, true), o(500, false)], p), 3500);
});

test('adaptive prefers the best EMA, ties go to the shorter bucket, window forgets', () => {
  const p = { learningRate: 0.5, memoryWindow: 4 };
  const o = (delayMs: number, success: boolean): DelayOutcome => ({ delayMs, success });
  // Both buckets all successes: the shorter wins.
  assert.equal(learnedDelay([o(20_000, true), o(20_000, true), o(1500, true), o(1500, true)], p), 1500);
  // Recent failures pull the short bucket's EMA down.
  assert.equal(learnedDelay([o(1500, true), o(1500, false), o(20_000, true), o(20_000, true)], p), 20_000);
  // Only the last 4 count: the old failures at 1.5s are forgotten.
  const history = [o(1500, false), o(1500, false), o(1500, true), o(1500, true), o(20_000, true), o(20_000, true)];
  assert.equal(learnedDelay(history, p), 1500);
});

test('adaptive blends α × learned + (1 − α) × fallback and records what it sees', () => {
  const learned: DelayOutcome[] = [];
  const b = adaptive(
    { learningRate: 0.1, memoryWindow: 50 },
    buildFallback('fixed', { baseDelayMs: 10 * S, multiplier: 2, maxDelayMs: 60 * S, exponent: 2 }),
    learned,
  );
  assert.equal(b.delay(1, { random: Math.random }), 10 * S);
  for (let i = 0; i < 3; i++) b.record?.(3000, true);
  assert.equal(learned.length, 3);
  assert.equal(b.delay(1, { random: Math.random }), 0.1 * 3500 + 0.9 * 10 * S);
});

test('diophantine gaps: a leading 0 is implied, the last gap repeats', () => {
  assert.deepEqual(offsetGaps([0, 10, 30]), [10, 20]);
  assert.deepEqual(offsetGaps([1000, 5000]), [1000, 4000]);
  assert.deepEqual(offsetGaps([0]), []);
  assert.deepEqual(schedule(diophantine({ offsetsMs: [0] }), 2), [0, 0]);
  assert.deepEqual(schedule(diophantine({ offsetsMs: [0, 10, 30] }), 4), [10, 20, 20, 20]);
});

test('admit keeps at most rateLimit starts in any window', () => {
  const first = admit([], 1000, 2, 100);
  assert.deepEqual(first, { ok: true, starts: [1000] });
  const second = admit([1000], 1010, 2, 100);
  assert.deepEqual(second, { ok: true, starts: [1000, 1010] });
  assert.deepEqual(admit([1000, 1010], 1050, 2, 100), { ok: false, waitUntil: 1100 });
  assert.deepEqual(admit([1000, 1010], 1100, 2, 100), { ok: true, starts: [1010, 1100] });
  assert.deepEqual(admit([1000, 1010, 1020], 1050, 1, 100), { ok: false, waitUntil: 1120 });
});

test('the resource comes from the URL host, the database, or the program', () => {
  assert.equal(deriveResourceId(['curl', '-fsS', '-H', 'X: y', 'https://api.github.com/repos']), 'api.github.com');
  assert.equal(deriveResourceId(['/usr/bin/wget', 'http://user:pw@example.com:8080/x']), 'example.com');
  assert.equal(deriveResourceId(['curl', '--version']), 'cmd-curl');
  assert.equal(deriveResourceId(['psql', '-c', 'select 1']), 'database');
  assert.equal(deriveResourceId(['./deploy.sh']), 'cmd-deploy.sh');
});

test('the resource of a curl or wget command is the host of the URL fetched, never a header, proxy or referer value', () => {
  // Host and Authorization header values, even URL-shaped ones, are never the resource.
  assert.equal(
    deriveResourceId([
      'curl',
      '-H',
      'Host: internal.example',
      '-H',
      'Authorization: Bearer abc',
      'https://api.example.com/v1',
    ]),
    'api.example.com',
  );
  assert.equal(
    deriveResourceId(['curl', '-H', 'https://header.example/', 'https://api.example.com/']),
    'api.example.com',
  );
  assert.equal(
    deriveResourceId([
      'curl',
      '--header',
      'https://header.example/',
      '--header=https://h2.example/',
      'https://api.example.com/',
    ]),
    'api.example.com',
  );
  assert.equal(
    deriveResourceId(['curl', '-fsSH', 'https://header.example/', 'https://api.example.com/']),
    'api.example.com',
  );
  assert.equal(deriveResourceId(['curl', '-Hhttps://header.example/', 'https://api.example.com/']), 'api.example.com');
  assert.equal(
    deriveResourceId([
      'curl',
      '-x',
      'http://proxy.internal:3128',
      '-e',
      'https://referer.example/',
      'https://api.example.com/',
    ]),
    'api.example.com',
  );
  assert.equal(deriveResourceId(['curl', '--url', 'https://api.example.com/', '-H', 'Host: x']), 'api.example.com');
  assert.equal(deriveResourceId(['curl', '--url=https://api.example.com/']), 'api.example.com');
  assert.equal(deriveResourceId(['curl', '-H', 'Authorization: Bearer https://token.example/']), 'cmd-curl');
  assert.equal(
    deriveResourceId(['wget', '--header', 'https://header.example/', '-O', '-', 'https://files.example.org/a']),
    'files.example.org',
  );
  assert.equal(deriveResourceId(['curl', '--', 'https://after-dashes.example/']), 'after-dashes.example');
});
