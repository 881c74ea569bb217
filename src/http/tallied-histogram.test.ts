import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram, Registry } from 'prom-client';
import { TalliedHistogram } from './tallied-histogram.ts';

const BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

function pair(): { ours: Registry; theirs: Registry; observe(v: number): void; mine: TalliedHistogram } {
  const ours = new Registry();
  const theirs = new Registry();
  const mine = new TalliedHistogram('h_seconds', 'A help text.', BUCKETS, [ours]);
  const ref = new Histogram({ name: 'h_seconds', help: 'A help text.', buckets: BUCKETS, registers: [theirs] });
  return {
    ours,
    theirs,
    mine,
    observe(v) {
      mine.observe(v);
      ref.observe(v);
    },
  };
}

test("exposes what prom-client's Histogram exposes: empty, then after observations on bounds, between and past them", async () => {
  const p = pair();
  assert.equal(await p.ours.metrics(), await p.theirs.metrics());
  assert.deepEqual(await p.ours.getMetricsAsJSON(), await p.theirs.getMetricsAsJSON());
  for (const v of [0, 0.05, 0.07, 1, 2.5, 2.6, 3600, 3600.5, 1e6, 0.2, 749.4]) p.observe(v);
  const text = await p.ours.metrics();
  assert.equal(text, await p.theirs.metrics());
  assert.match(text, /^h_seconds_bucket\{le="\+Inf"\} 11$/m);
  assert.match(text, /^h_seconds_bucket\{le="0.05"\} 2$/m);
  assert.deepEqual(await p.ours.getMetricsAsJSON(), await p.theirs.getMetricsAsJSON());
});

test('refuses a non-finite value as prom-client does, and reset() empties it', async () => {
  const p = pair();
  assert.throws(() => p.mine.observe(NaN), TypeError);
  p.mine.observe(3);
  p.mine.reset();
  assert.equal(await p.ours.metrics(), await p.theirs.metrics());
});
