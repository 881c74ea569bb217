import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import { stallWatch } from './upkeep.ts';
import { EVENT_LOOP_SAMPLE_MS, lateMs, type RuntimeStats } from './runtime-stats.ts';

function watchWith(p99Ms: number): unknown[] {
  const warned: unknown[] = [];
  const runtime = { takeDelayP99Ms: () => p99Ms } as unknown as RuntimeStats;
  const log = { warn: (o: unknown) => warned.push(o) } as unknown as Logger;
  stallWatch(runtime, log)();
  return warned;
}

test('the stall watch warns when the p99 runs more than 230 ms late', () => {
  assert.deepEqual(watchWith(229), []);
  assert.deepEqual(watchWith(231), [{ event_loop_delay_p99_ms: 231 }]);
});

test("the delay figures are the lateness past the sampling interval that Node's histogram counts in", () => {
  const ns = (ms: number) => ms * 1e6;
  assert.equal(lateMs(ns(EVENT_LOOP_SAMPLE_MS)), 0);
  assert.equal(lateMs(ns(EVENT_LOOP_SAMPLE_MS - 0.3)), 0);
  assert.equal(lateMs(ns(EVENT_LOOP_SAMPLE_MS + 30)), 30);
});
