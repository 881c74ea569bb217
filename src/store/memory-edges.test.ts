// The memory store summarises partly covered hours, and gathers commands() runs, straight
// from its typed-array columns: a run whose integers did not fit them (kept aside whole)
// must still count with its exact values there, as it does in a whole hour.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openStore } from './index.ts';
import { HOUR, MINUTE, NO_LIMITS, T0, run } from './test-support.ts';

const HUGE = 2 ** 32 + 10;

test('a run too large for the columns counts with its exact attempts in a partly covered hour', () => {
  const store = openStore({ limits: NO_LIMITS, now: () => T0 + HOUR });
  const exotic = run('make', 'succeeded', [[1, true]], T0 + 10 * MINUTE, {
    total_attempts: HUGE,
    failed_attempts: HUGE - 1,
  });
  store.append([exotic, run('make', 'failed', [[2, false]], T0 + 20 * MINUTE)], T0 + HOUR);
  const whole = store.stats(T0, T0 + HOUR - 1);
  const part = store.stats(T0 + 5 * MINUTE, T0 + 30 * MINUTE);
  assert.equal(whole.totalAttempts, HUGE + 1);
  assert.equal(part.totalAttempts, HUGE + 1);
  assert.equal(part.rescuedRuns, 1);
  const [make] = store.commands(T0 + 5 * MINUTE, T0 + 30 * MINUTE, 10).commands;
  assert.equal(make?.averageAttempts, (HUGE + 1) / 2);
  assert.equal(make?.rescuedRuns, 1);
  store.close();
});
