import { test } from 'node:test';
import assert from 'node:assert/strict';
import { honoursCommand, honoursLabels, matchesRun } from './run-filter.ts';
import { apiRun } from './test-support.ts';

const deploy = apiRun(1, { labels: { team: 'ops', env: 'prod' }, timestamp: '2026-11-30T11:00:00Z' });
const curl = apiRun(2, { command: 'curl -fsS x', final_status: 'failed', timestamp: '2026-11-30T11:30:00Z' });

test('matchesRun: command substring (case-sensitive, as the API), status, labels, time', () => {
  assert.ok(matchesRun(deploy, { labels: [] }));
  assert.ok(matchesRun(deploy, { command: 'deploy', labels: [] }));
  assert.ok(!matchesRun(deploy, { command: 'Deploy', labels: [] }));
  assert.ok(matchesRun(curl, { status: 'failed', labels: [] }));
  assert.ok(!matchesRun(deploy, { status: 'failed', labels: [] }));
  assert.ok(matchesRun(deploy, { labels: [['team', 'ops']] }));
  assert.ok(
    matchesRun(deploy, {
      labels: [
        ['team', 'ops'],
        ['env', 'prod'],
      ],
    }),
  );
  assert.ok(
    !matchesRun(deploy, {
      labels: [
        ['team', 'ops'],
        ['env', 'dev'],
      ],
    }),
  );
  assert.ok(!matchesRun(curl, { labels: [['team', 'ops']] }));
  assert.ok(!matchesRun(deploy, { labels: [['constructor', 'x']] }), 'no prototype keys');
  assert.ok(matchesRun(curl, { sinceMs: Date.parse('2026-11-30T11:15:00Z'), labels: [] }));
  assert.ok(!matchesRun(deploy, { sinceMs: Date.parse('2026-11-30T11:15:00Z'), labels: [] }));
  assert.ok(!matchesRun(curl, { untilMs: Date.parse('2026-11-30T11:15:00Z'), labels: [] }));
});

test('honoursLabels: a listing where a run lacks a label asked for was not filtered', () => {
  assert.ok(honoursLabels([deploy, curl], []));
  assert.ok(honoursLabels([deploy], [['team', 'ops']]));
  assert.ok(!honoursLabels([deploy, curl], [['team', 'ops']]));
  // Two values of one key: either reading of the API passes.
  assert.ok(
    honoursLabels(
      [deploy],
      [
        ['team', 'ops'],
        ['team', 'dev'],
      ],
    ),
  );
  assert.ok(honoursLabels([], [['team', 'ops']]));
});

test('honoursCommand: every command listed contains the text', () => {
  assert.ok(honoursCommand(['make deploy', 'make test'], 'make'));
  assert.ok(honoursCommand(['make deploy'], undefined));
  assert.ok(!honoursCommand(['make deploy', 'curl x'], 'make'));
  assert.ok(honoursCommand([], 'make'));
});
