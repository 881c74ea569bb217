import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateRunRecord } from './run-record.ts';

const NOW = Date.UTC(2026, 0, 1);
const base = { final_status: 'failed', total_duration_seconds: 1, attempts: [] };

test('every free-text field is redacted, label keys included; a credential-named label is masked whole', () => {
  const r = validateRunRecord(
    {
      ...base,
      command: 'mysql -pSECRET1 db',
      command_hash: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      reason: 'curl: (22) https://h/x?key=SECRET2 returned 403',
      host: 'https://u:SECRET3@h',
      strategy: 'x --token SECRET4',
      labels: { url: 'https://h/?sig=SECRET5', db_password: 'SECRET6', 'xoxb-1234-5678-abcdefghij': 'v', empty_token: '' },
    },
    NOW,
  );
  assert.ok(r.ok, r.ok ? '' : r.error);
  const { record } = r;
  assert.equal(record.command, 'mysql -p*** db');
  assert.equal(record.command_hash, 'ghp_***');
  assert.equal(record.reason, 'curl: (22) https://h/x?key=*** returned 403');
  assert.equal(record.host, 'https://***@h');
  assert.equal(record.strategy, 'x --token ***');
  assert.deepEqual(record.labels, { url: 'https://h/?sig=***', db_password: '***', 'xoxb-***': 'v', empty_token: '' });
  assert.ok(!/SECRET|abcdefghij/.test(JSON.stringify(record)));
});

test('the redaction function is injectable (the daemon adds redact_patterns)', () => {
  const r = validateRunRecord({ ...base, command: 'corp-1', reason: 'corp-2', host: 'corp-3', labels: { 'corp-4': 'corp-5' } }, NOW, (t) => t.replace(/corp-\d/g, 'X'));
  assert.ok(r.ok);
  assert.deepEqual([r.record.command, r.record.reason, r.record.host, r.record.labels], ['X', 'X', 'X', { X: 'X' }]);
});

test('a hash given by the client is kept when it holds no credential', () => {
  const r = validateRunRecord({ ...base, command: 'make', command_hash: '0123abcd' }, NOW);
  assert.ok(r.ok);
  assert.equal(r.record.command_hash, '0123abcd');
});
