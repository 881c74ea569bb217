// The documents all connections together may frame per turn of the event loop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as nextImmediate } from 'node:timers/promises';
import { DOCUMENTS_PER_TURN, TurnBudget } from './turn-budget.ts';

test('a budget gives perTurn places, then none until it is refilled; only the first place taken schedules the refill', () => {
  const refills: Array<() => void> = [];
  const budget = new TurnBudget(2, (r) => refills.push(r));
  assert.equal(budget.take(), true);
  assert.equal(budget.take(), true);
  assert.equal(budget.take(), false);
  assert.equal(refills.length, 1);
  refills[0]?.();
  assert.equal(budget.take(), true);
  assert.equal(refills.length, 2, 'the next turn schedules its own refill');
});

test('by default the budget is refilled on the next turn of the event loop', async () => {
  const budget = new TurnBudget();
  for (let i = 0; i < DOCUMENTS_PER_TURN; i++) assert.equal(budget.take(), true);
  assert.equal(budget.take(), false);
  await nextImmediate();
  assert.equal(budget.take(), true);
});
