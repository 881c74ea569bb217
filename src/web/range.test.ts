// The range picker's logic: presets against a fixed clock, and the URL hash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contains, describe, fromHash, resolve, toHash, DEFAULT_CHOICE, type RangeChoice } from './range.ts';

const NOW = Date.UTC(2026, 10, 26, 16);

test('presets end now; custom ranges are fixed', () => {
  assert.deepEqual(resolve({ kind: 'preset', preset: '1h' }, NOW), { startMs: NOW - 3_600_000, endMs: NOW });
  assert.deepEqual(resolve({ kind: 'custom', startMs: 1, endMs: 2 }, NOW), { startMs: 1, endMs: 2 });
  // A run newer than the moment the range was resolved still belongs to a preset.
  assert.ok(contains({ kind: 'preset', preset: '24h' }, NOW + 5000, NOW));
  assert.ok(!contains({ kind: 'preset', preset: '1h' }, NOW - 2 * 3_600_000, NOW));
  assert.ok(!contains({ kind: 'custom', startMs: 0, endMs: NOW - 1 }, NOW, NOW));
});

test('the hash round-trips, and junk falls back to 24 h', () => {
  const choices: RangeChoice[] = [
    { kind: 'preset', preset: '7d' },
    { kind: 'custom', startMs: NOW - 60_000, endMs: NOW },
  ];
  for (const c of choices) assert.deepEqual(fromHash(toHash(c)), c);
  assert.deepEqual(fromHash('#range=2y'), DEFAULT_CHOICE);
  assert.deepEqual(fromHash('#range=custom&start=2026-01-02T00:00:00Z&end=2026-01-01T00:00:00Z'), DEFAULT_CHOICE);
  assert.deepEqual(fromHash(''), DEFAULT_CHOICE);
  assert.equal(describe({ kind: 'preset', preset: '24h' }, String), 'last 24 h');
});
