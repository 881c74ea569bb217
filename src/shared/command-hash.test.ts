import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { commandHash } from './command-hash.ts';

test('command_hash is the first 8 hex digits of SHA-256 of the command', () => {
  assert.equal(commandHash(''), 'e3b0c442');
  assert.equal(commandHash('abc'), 'ba7816bf');
  assert.equal(commandHash('curl -fsS https://example.com'), nodeHash('curl -fsS https://example.com'));
});

test('command_hash agrees with node:crypto on any text: multi-byte, lone surrogates, every block length', () => {
  const pieces = ['a', 'é', '日本', '🙂', '\ud800', '\udfff', '\u0000', ' ', '"', '\n'];
  let seed = 7;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  // Lengths across SHA-256's 64-byte blocks and its 55/56-byte padding edge.
  for (let len = 0; len < 200; len++) {
    let text = '';
    for (let i = 0; i < len; i++) text += pieces[next(pieces.length)];
    assert.equal(commandHash(text), nodeHash(text), JSON.stringify(text));
  }
  const long = 'x'.repeat(100_000);
  assert.equal(commandHash(long), nodeHash(long));
});

function nodeHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
