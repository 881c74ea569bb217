import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoordinationCounters, MAX_LABELLED } from './counters.ts';

test('the label set is bounded: the first resources keep their own, the rest sum under "other", and no series ever shrinks', () => {
  const c = new CoordinationCounters();
  for (let i = 0; i < MAX_LABELLED + 50; i++) c.record(`r${i}`, i % 2 === 0);
  c.record('r0', false);
  c.record('r120', true);
  const all = new Map(c.entries());
  assert.equal(all.size, MAX_LABELLED + 1);
  assert.deepEqual(all.get('r0'), { granted: 1, refused: 1 });
  assert.equal(all.has('r120'), false);
  // r100..r149: 25 granted, 25 refused, plus r120 once more.
  assert.deepEqual(all.get('other'), { granted: 26, refused: 25 });
  // A resource literally named "other" adds to the same series.
  c.record('other', true);
  assert.deepEqual(new Map(c.entries()).get('other'), { granted: 27, refused: 25 });
});
