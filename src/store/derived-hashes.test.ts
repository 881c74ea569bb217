// The memory store's remembered command hashes: always sha256(command)'s prefix, whatever
// the slot held before (ids are reused, and past the table's size they share slots).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commandHash } from '../shared/command-hash.ts';
import { DerivedHashes } from './derived-hashes.ts';
import { poolId } from './ids.ts';

test('the hash of the command asked for, when an id is reused or two ids share a slot', () => {
  const hashes = new DerivedHashes();
  assert.equal(hashes.of(poolId(1), 'make test'), commandHash('make test'));
  assert.equal(hashes.of(poolId(1), 'make test'), commandHash('make test'));
  // The pool gave id 1 to another command after the first was released.
  assert.equal(hashes.of(poolId(1), 'make lint'), commandHash('make lint'));
  // Ids far apart that land in the same slot of a full-size table.
  for (const id of [5, 5 + (1 << 15), 5 + (1 << 16), 5]) {
    assert.equal(hashes.of(poolId(id), `cmd ${id}`), commandHash(`cmd ${id}`), `id ${id}`);
  }
  // A table that grew keeps answering for the small ids.
  assert.equal(hashes.of(poolId(1), 'make lint'), commandHash('make lint'));
  hashes.clear();
  assert.equal(hashes.of(poolId(2), 'make test'), commandHash('make test'));
});
