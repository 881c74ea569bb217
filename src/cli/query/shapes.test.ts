import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError, isApiRun, isCommandsResult, isRecentResult, isStatsResult } from './shapes.ts';
import { apiRun, commandsResult, recent, statsResult } from './test-support.ts';

test("the daemon's answers pass, with fields patience does not know yet", () => {
  assert.ok(isApiRun(apiRun(1)));
  assert.ok(isApiRun({ ...apiRun(1), extra: true }));
  assert.ok(isRecentResult(recent([apiRun(1), apiRun(2, { final_status: 'failed', labels: { team: 'ops' } })])));
  assert.ok(isStatsResult(statsResult()));
  assert.ok(isCommandsResult(commandsResult([{ command: 'x', count: 1, rate: 1, p90: 1 }])));
  assert.ok(isApiError({ error: 'limit: bad', code: 'bad_parameter', field: 'limit' }));
});

test('other JSON does not', () => {
  const run = apiRun(1);
  const bad: unknown[] = [
    null,
    [],
    'text',
    { ...run, id: '1' },
    { ...run, metrics: { ...run.metrics, final_status: 'ok' } },
    { ...run, metrics: { ...run.metrics, command: 5 } },
    { ...run, metrics: { ...run.metrics, labels: { a: 1 } } },
    { ...run, timestamp: 'not a time' },
  ];
  for (const b of bad) assert.equal(isApiRun(b), false, JSON.stringify(b));
  assert.equal(isRecentResult({ metrics: [run] }), false);
  assert.equal(isRecentResult({ metrics: [{}], count: 1, truncated: false }), false);
  assert.equal(isStatsResult({ ...statsResult(), success_rate: '75%' }), false);
  assert.equal(isStatsResult({ status: 'healthy' }), false);
  assert.equal(isCommandsResult({ commands: [] }), false);
  assert.equal(isApiError({ message: 'Not Found', statusCode: 404 }), false);
});
