import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact } from './redact.ts';

test('removes the seed example token and URL credentials', () => {
  const out = redact('curl -H "Authorization: Bearer s3cr3t-T0KEN" https://user:pw@host/x');
  assert.equal(out, 'curl -H "Authorization: ***" https://***@host/x');
  assert.ok(!out.includes('s3cr3t'));
  assert.ok(!out.includes(':pw'));
});

test('redacts common credential shapes', () => {
  const cases: Array<[string, string]> = [
    ['mysql --password=hunter2 db', 'mysql --password=*** db'],
    ['deploy --token abc123 --env prod', 'deploy --token *** --env prod'],
    ['curl https://api.example.com/x?api_key=K1&page=2', 'curl https://api.example.com/x?api_key=***&page=2'],
    ['curl -u alice:wonder https://h', 'curl -u *** https://h'],
    ['curl --user=alice:wonder https://h', 'curl --user=*** https://h'],
    ['env GITHUB_TOKEN=ghp_x make', 'env GITHUB_TOKEN=*** make'],
    ["curl -H 'X-Api-Key: abc' https://h", "curl -H 'X-Api-Key: ***' https://h"],
    ['git clone https://ghp_tok@github.com/o/r', 'git clone https://***@github.com/o/r'],
    ['psql postgres://app:pa55@db:5432/x', 'psql postgres://***@db:5432/x'],
  ];
  for (const [input, want] of cases) assert.equal(redact(input), want, input);
});

test('leaves ordinary commands alone', () => {
  for (const cmd of ['curl -fsS https://example.com/health', 'make test', 'ls -la /tmp', 'echo a=b']) {
    assert.equal(redact(cmd), cmd);
  }
});

// A quadratic pattern would hang for minutes on these; the test's timeout catches that.
test('finishes on large hostile input', { timeout: 30_000 }, () => {
  const hostile = [
    'authorization'.repeat(80_000),
    'a://'.repeat(250_000),
    'password'.repeat(120_000),
    `--token ${' '.repeat(1_000_000)}`,
    'x'.repeat(1_000_000) + '@',
    'https://' + 'a'.repeat(1_000_000),
    '-u' + ' '.repeat(1_000_000),
  ];
  for (const input of hostile) assert.equal(typeof redact(input), 'string');
});
