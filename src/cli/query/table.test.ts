import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planTable, renderRow, renderTable, type ColumnSpec } from './table.ts';
import { displayWidth } from './terminal-text.ts';

const SPECS: ColumnSpec[] = [
  { header: 'STATUS' },
  { header: 'COMMAND', flex: true, minWidth: 10 },
  { header: 'N', align: 'right', drop: 2 },
  { header: 'STRATEGY', drop: 3 },
  { header: 'WHEN', align: 'right', drop: 1 },
];
const LONG = 'curl -fsS https://api.example.com/v1/items?page=1 --retry 0';
const ROWS = [
  ['ok', 'make deploy', '2', 'exponential', '3m ago'],
  [{ text: 'FAILED', color: 'red' as const }, LONG, '10', 'fixed', '12h ago'],
];

test('a wide terminal shows every column, and the command whole', () => {
  const lines = renderTable(SPECS, ROWS, 200);
  assert.equal(lines[0], 'STATUS  COMMAND' + ' '.repeat(LONG.length - 7) + '   N  STRATEGY        WHEN');
  assert.ok(lines[2]?.includes(LONG));
  for (const l of lines) assert.ok(displayWidth(l) <= 200);
});

test('the command takes the width left and is cut with an ellipsis; no line is wider', () => {
  const lines = renderTable(SPECS, ROWS, 60);
  for (const l of lines) assert.ok(displayWidth(l) <= 60, `${l} (${displayWidth(l)})`);
  assert.match(lines[2] ?? '', /^FAILED {2}curl -fsS \S*…/);
  assert.ok(lines[2]?.endsWith('12h ago'));
});

test('a narrow terminal drops the columns of least use first, not the command', () => {
  const widths = [60, 40, 30, 20, 12, 5, 1];
  const seen: string[][] = [];
  for (const w of widths) {
    const plan = planTable(SPECS, ROWS, w);
    seen.push(plan.columns.map((c) => c.spec.header));
    for (const r of ROWS) assert.ok(displayWidth(renderRow(plan, r)) <= w, `width ${w}`);
  }
  assert.deepEqual(seen[0], ['STATUS', 'COMMAND', 'N', 'STRATEGY', 'WHEN']);
  assert.deepEqual(seen[1], ['STATUS', 'COMMAND', 'N', 'WHEN']);
  assert.deepEqual(seen[2], ['STATUS', 'COMMAND', 'WHEN']);
  assert.deepEqual(seen.at(-1), ['STATUS', 'COMMAND']);
});

test('colour wraps the text only, and never counts as width', () => {
  const paint = (c: string, t: string): string => `<${c}>${t}</>`;
  const plan = planTable(SPECS, ROWS, 80);
  const line = renderRow(plan, ROWS[1] ?? [], paint);
  assert.ok(line.startsWith('<red>FAILED</>  curl'));
  const plain = renderRow(plan, ROWS[1] ?? []);
  assert.equal(line.replace(/<\/?[a-z]*>/g, ''), plain);
});

test('fill: the elastic column keeps the whole room for rows still to come', () => {
  const plan = planTable(SPECS, [], 80, { fill: true });
  const cmd = plan.columns.find((c) => c.spec.flex);
  const used = plan.columns.reduce((s, c) => s + c.width, 0) + 2 * (plan.columns.length - 1);
  assert.equal(used, 80);
  assert.ok((cmd?.width ?? 0) > 40);
  const later = renderRow(plan, ['ok', LONG + LONG, '1', 'decorrelated-jitter', '14:05:09']);
  assert.ok(displayWidth(later) <= 80);
  assert.match(later, /…/);
});

test('no trailing spaces: the last left-aligned column is not padded', () => {
  const specs: ColumnSpec[] = [{ header: 'A' }, { header: 'COMMAND', flex: true }];
  const lines = renderTable(specs, [['x', 'y']], 80);
  for (const l of lines) assert.equal(l, l.trimEnd());
});
