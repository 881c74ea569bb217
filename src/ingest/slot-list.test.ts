import test from 'node:test';
import assert from 'node:assert/strict';
import { SlotList, type Slotted } from './slot-list.ts';

const item = (name: string): Slotted & { name: string } => ({ name, slot: -1 });

test('add and delete keep every item once, whatever the order', () => {
  const list = new SlotList<ReturnType<typeof item>>();
  const all = ['a', 'b', 'c', 'd', 'e'].map(item);
  for (const x of all) list.add(x);
  assert.equal(list.size, 5);
  assert.equal(list.delete(all[1]!), true);
  assert.equal(list.delete(all[1]!), false, 'a second delete finds nothing');
  assert.equal(list.delete(all[4]!), true);
  assert.deepEqual([...list].map((x) => x.name).sort(), ['a', 'c', 'd']);
  for (const x of list) assert.equal([...list][x.slot], x, 'each item knows its place');
  assert.equal(all[1]!.slot, -1);
});

test('an item added twice is held once', () => {
  const list = new SlotList<Slotted>();
  const x = item('x');
  list.add(x);
  list.add(x);
  assert.equal(list.size, 1);
});

test('iteration may remove items as it goes, and visits each once', () => {
  const list = new SlotList<ReturnType<typeof item>>();
  const all = Array.from({ length: 8 }, (_, i) => item(String(i)));
  for (const x of all) list.add(x);
  const seen: string[] = [];
  for (const x of list) {
    seen.push(x.name);
    if (Number(x.name) % 2 === 0) list.delete(x);
  }
  assert.deepEqual(
    seen,
    all.map((x) => x.name),
  );
  assert.deepEqual([...list].map((x) => x.name).sort(), ['1', '3', '5', '7']);
});

test('an item from another list is not removed', () => {
  const a = new SlotList<Slotted>();
  const b = new SlotList<Slotted>();
  const x = item('x');
  const y = item('y');
  a.add(x);
  b.add(y);
  assert.equal(a.delete(y), false);
  assert.equal(a.size, 1);
  assert.equal(b.size, 1);
});
