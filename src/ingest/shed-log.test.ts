// Load shedding is logged at warn level, at most once per interval, with the counts since the last line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { IngestCounters } from './counters.ts';
import { ShedLog } from './shed-log.ts';

function setup() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino(
    { level: 'info' },
    { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) },
  );
  const counters = new IngestCounters();
  return { lines, counters, shed: new ShedLog(counters, log, 4, 1000) };
}

test('the first refusal is logged at once, the rest of the burst once the interval has passed, with their counts', () => {
  const { lines, counters, shed } = setup();
  shed.tick(0, 0);
  assert.equal(lines.length, 0, 'nothing shed, nothing said');
  for (let i = 0; i < 3; i++) counters.reject('too_many_connections');
  assert.equal(shed.unlogged, 3);
  shed.tick(10, 40);
  assert.equal(lines.length, 1);
  assert.equal(lines[0]?.level, 40, 'warn');
  assert.equal(lines[0]?.too_many_connections, 3);
  assert.equal(lines[0]?.max_connections, 4);
  assert.equal(lines[0]?.waiting, 40);
  assert.equal('waiting_timeout' in (lines[0] ?? {}), false, 'only the reasons that happened');
  assert.equal('interval_ms' in (lines[0] ?? {}), false, 'the first line has no previous one');
  assert.equal(shed.unlogged, 0);

  counters.reject('too_many_connections');
  counters.reject('waiting_timeout');
  counters.reject('shed_stale');
  counters.reject('invalid_json');
  shed.tick(500, 40);
  assert.equal(lines.length, 1, 'not twice within the interval');
  assert.equal(shed.unlogged, 3, 'a refused document is not load shedding');
  shed.tick(1010, 0);
  assert.equal(lines.length, 2);
  assert.deepEqual([lines[1]?.too_many_connections, lines[1]?.waiting_timeout, lines[1]?.shed_stale], [1, 1, 1]);
  assert.equal(lines[1]?.interval_ms, 1000, 'the counts cover the time since the line before');
  shed.tick(5000, 0);
  assert.equal(lines.length, 2, 'nothing new, nothing said');
});
