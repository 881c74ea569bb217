import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateRunRecord } from './run-record.ts';
import * as L from './record-limits.ts';
import { MAX_RECORD_BYTES } from './record-fields.ts';

const NOW = Date.UTC(2026, 10, 30, 12);

function base(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    command: 'make test',
    final_status: 'succeeded',
    total_duration_seconds: 2,
    attempts: [
      { duration_seconds: 1, exit_code: 2, success: false },
      { duration_seconds: 1, exit_code: 0, success: true },
    ],
    ...extra,
  };
}

function error(extra: Record<string, unknown>): string {
  const v = validateRunRecord(base(extra), NOW);
  assert.equal(v.ok, false, `accepted ${JSON.stringify(extra).slice(0, 100)}`);
  return v.ok ? '' : v.error;
}

function accepted(extra: Record<string, unknown>): void {
  const v = validateRunRecord(base(extra), NOW);
  assert.ok(v.ok, v.ok ? '' : v.error);
}

const attempts = (n: number): unknown[] =>
  Array.from({ length: n }, () => ({ duration_seconds: 0.5, exit_code: 1, success: false }));
const labels = (n: number, key = (i: number) => `k${i}`, value = 'v'): Record<string, string> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [key(i), value]));

/** Every field at its limit, made of characters JSON escapes: the largest valid record. */
function largest(): Record<string, unknown> {
  const esc = (n: number): string => '\u0001'.repeat(n);
  return {
    command: esc(L.MAX_COMMAND_LENGTH),
    command_hash: esc(L.MAX_COMMAND_HASH_LENGTH),
    final_status: 'succeeded',
    total_duration_seconds: 0.0000012345678901234567,
    total_attempts: L.MAX_ATTEMPTS,
    successful_attempts: 0,
    failed_attempts: L.MAX_ATTEMPTS,
    attempts: Array.from({ length: L.MAX_ATTEMPTS }, () => ({
      duration_seconds: 0.0000012345678901234567,
      exit_code: L.MIN_EXIT_CODE,
      success: false,
    })),
    timestamp: '2026-11-30T11:00:00.123456789+00:00',
    timestamp_ms: Date.UTC(2026, 10, 30, 11, 0, 0, 123) + 0.456789012345,
    strategy: esc(L.MAX_STRATEGY_LENGTH),
    exit_code: L.MIN_EXIT_CODE,
    reason: esc(L.MAX_REASON_LENGTH),
    host: esc(L.MAX_HOST_LENGTH),
    labels: labels(L.MAX_LABELS, (i) => String(i).padStart(L.MAX_LABEL_KEY_LENGTH, 'k'), esc(L.MAX_LABEL_VALUE_LENGTH)),
    duration_limit: 0.0000012345678901234567,
  };
}

test('the largest valid record is accepted and fits MAX_RECORD_BYTES, which max_message_bytes defaults to', () => {
  const record = largest();
  const v = validateRunRecord(record, NOW);
  assert.ok(v.ok, v.ok ? '' : v.error);
  const bytes = Buffer.byteLength(JSON.stringify(record));
  assert.ok(bytes <= MAX_RECORD_BYTES, `${bytes} > ${MAX_RECORD_BYTES}`);
  // The bound is tight: within 1% of the real worst case (the timestamp is shorter than its 64).
  assert.ok(bytes > MAX_RECORD_BYTES * 0.99, `${bytes} is far below ${MAX_RECORD_BYTES}`);
  // The figure docs/record-limits.md and the README give for max_message_bytes.
  assert.equal(MAX_RECORD_BYTES, 345919);
});

test('text fields at their limit pass, one character more is refused naming the field', () => {
  const cases: Array<[string, number, number]> = [
    ['command', L.MAX_COMMAND_LENGTH, 1],
    ['command_hash', L.MAX_COMMAND_HASH_LENGTH, 1],
    ['reason', L.MAX_REASON_LENGTH, 0],
    ['host', L.MAX_HOST_LENGTH, 0],
    ['strategy', L.MAX_STRATEGY_LENGTH, 0],
  ];
  for (const [field, max] of cases) {
    accepted({ [field]: 'x'.repeat(max) });
    assert.match(
      error({ [field]: 'x'.repeat(max + 1) }),
      new RegExp(`^${field}: must not have more than ${max} characters`),
    );
  }
  assert.match(error({ command: '' }), /^command:/);
});

test('attempts: at most 1000 entries', () => {
  accepted({ attempts: attempts(L.MAX_ATTEMPTS), final_status: 'failed' });
  assert.match(error({ attempts: attempts(L.MAX_ATTEMPTS + 1) }), /^attempts: must not have more than 1000 items/);
});

test('labels: count, key (length and characters) and value are bounded, and the error names labels', () => {
  accepted({ labels: labels(L.MAX_LABELS) });
  assert.match(error({ labels: labels(L.MAX_LABELS + 1) }), /^labels: must not have more than 32 properties/);
  accepted({ labels: { ['k'.repeat(128)]: 'v' } });
  assert.match(
    error({ labels: { ['k'.repeat(129)]: 'v' } }),
    /^labels: the key "k{40}"… \(129 characters\) must be 1\.\.128 letters/,
  );
  assert.match(error({ labels: { 'a b': 'v' } }), /^labels: the key "a b" must be/);
  assert.match(error({ labels: { '': 'v' } }), /^labels: the key "" must be/);
  accepted({ labels: { 'team/sub-team_1.x': 'v'.repeat(1024) } });
  assert.match(error({ labels: { team: 'v'.repeat(1025) } }), /^labels\.team: must not have more than 1024 characters/);
  assert.match(error({ labels: { team: 7 } }), /^labels\.team: must be string/);
});

test('numbers too large to add up are refused naming the field (numeric poisoning)', () => {
  assert.match(error({ total_attempts: 1e300 }), /^total_attempts: must be <= 1000 \(got 1e\+300\)/);
  assert.match(error({ successful_attempts: 1e300 }), /^successful_attempts: must be <= 1000/);
  assert.match(error({ failed_attempts: 2 ** 32 }), /^failed_attempts: must be <= 1000/);
  assert.match(
    error({ total_duration_seconds: 1.7e308 }),
    /^total_duration_seconds: must be <= 31622400 \(got 1\.7e\+308\)/,
  );
  assert.match(
    error({ attempts: [{ duration_seconds: 1.7e308, exit_code: 0, success: true }] }),
    /^attempts\.0\.duration_seconds: must be <= 31622400/,
  );
  assert.match(error({ exit_code: 2 ** 31 }), /^exit_code: must be <= 2147483647/);
  assert.match(error({ exit_code: -(2 ** 31) - 1 }), /^exit_code: must be >= -2147483648/);
  assert.match(
    error({ attempts: [{ duration_seconds: 1, exit_code: 1e300, success: true }] }),
    /^attempts\.0\.exit_code: must be <= 2147483647/,
  );
  assert.match(error({ total_duration_seconds: -1 }), /^total_duration_seconds: must be >= 0/);
  accepted({ total_duration_seconds: L.MAX_DURATION_SECONDS, exit_code: -15 });
  // JSON.parse turns 1e400 into Infinity; the schema refuses it like any other non-number.
  assert.match(error({ total_duration_seconds: Infinity }), /^total_duration_seconds: must be number/);
  assert.match(error({ total_duration_seconds: NaN }), /^total_duration_seconds: must be number/);
});

test('duration_limit: seconds from 0 to 366 days, kept as sent', () => {
  assert.match(error({ duration_limit: -1 }), /^duration_limit: must be >= 0/);
  assert.match(error({ duration_limit: 1.7e308 }), /^duration_limit: must be <= 31622400 \(got 1\.7e\+308\)/);
  assert.match(error({ duration_limit: '30s' }), /^duration_limit: must be number/);
  for (const limit of [0, 0.25, L.MAX_DURATION_SECONDS]) {
    const v = validateRunRecord(base({ duration_limit: limit }), NOW);
    assert.ok(v.ok && v.record.duration_limit === limit, String(limit));
  }
  const none = validateRunRecord(base(), NOW);
  assert.ok(none.ok && !('duration_limit' in none.record));
});

test('counts must agree with attempts when given', () => {
  accepted({ total_attempts: 2, successful_attempts: 1, failed_attempts: 1 });
  assert.match(error({ total_attempts: 3 }), /^total_attempts: 3 does not match the 2 entries in attempts/);
  assert.match(
    error({ successful_attempts: 2 }),
    /^successful_attempts: 2 does not match the 1 attempts with success: true/,
  );
  assert.match(error({ failed_attempts: 0 }), /^failed_attempts: 0 does not match the 1 attempts with success: false/);
  const v = validateRunRecord(base(), NOW);
  assert.ok(v.ok);
  assert.deepEqual([v.record.total_attempts, v.record.successful_attempts, v.record.failed_attempts], [2, 1, 1]);
});

test('timestamp_ms: preferred to timestamp, within a second of it; alone it is the time; bad ones name it', () => {
  const at = (extra: Record<string, unknown>): number => {
    const v = validateRunRecord(base(extra), NOW);
    assert.ok(v.ok, v.ok ? '' : v.error);
    return v.record.timestampMs;
  };
  const end = NOW - 60_000 + 987;
  assert.equal(at({ timestamp: Math.floor(end / 1000), timestamp_ms: end }), end);
  assert.equal(at({ timestamp: new Date(end).toISOString(), timestamp_ms: end }), end);
  assert.equal(at({ timestamp_ms: end }), end);
  assert.equal(at({ timestamp: Math.floor(end / 1000) }), Math.floor(end / 1000) * 1000);
  assert.match(
    error({ timestamp: Math.floor(end / 1000) - 5, timestamp_ms: end }),
    /^timestamp_ms: \d+ is not the time of timestamp \d+; send the same time in both, or one of them$/,
  );
  assert.match(error({ timestamp_ms: '1795700000000' }), /^timestamp_ms: must be unix milliseconds from 946684800000/);
  assert.match(error({ timestamp_ms: 5 }), /^timestamp_ms: must be unix milliseconds/);
  assert.match(error({ timestamp_ms: NOW + L.MAX_FUTURE_MS + 1 }), /^timestamp_ms: .* more than 5 minutes ahead/);
  assert.match(error({ timestamp_ms: Infinity }), /^timestamp_ms: /);
});

test('timestamps: not before 2000, not more than 5 minutes ahead, RFC 3339 strings checked on the calendar', () => {
  accepted({ timestamp: L.MIN_TIMESTAMP_SECONDS });
  accepted({ timestamp: (NOW + L.MAX_FUTURE_MS) / 1000 });
  assert.match(
    error({ timestamp: L.MIN_TIMESTAMP_SECONDS - 1 }),
    /^timestamp: must be unix seconds from 946684800 \(2000-01-01\) on/,
  );
  assert.match(error({ timestamp: -62135596800 }), /^timestamp: /);
  assert.match(error({ timestamp: (NOW + L.MAX_FUTURE_MS) / 1000 + 1 }), /^timestamp: .* more than 5 minutes ahead/);
  assert.match(error({ timestamp: 1e300 }), /^timestamp: 1e\+300 is more than 5 minutes ahead/);
  accepted({ timestamp: '2026-11-30T11:59:59Z' });
  accepted({ timestamp: '2026-11-30T13:59:59.5+02:00' });
  assert.match(
    error({ timestamp: '0001-01-01T00:00:00Z' }),
    /^timestamp: 0001-01-01T00:00:00\.000Z is before 2000-01-01/,
  );
  assert.match(error({ timestamp: '1999-12-31T23:59:59Z' }), /^timestamp: .* before 2000-01-01/);
  assert.match(
    error({ timestamp: '2026-02-30T00:00:00Z' }),
    /^timestamp: "2026-02-30T00:00:00Z" has day 30: February 2026 has days 01..28/,
  );
  assert.match(error({ timestamp: '2026-13-01T00:00:00Z' }), /^timestamp: .* has month 13/);
  assert.match(error({ timestamp: 'yesterday' }), /^timestamp: must be unix seconds .* \(got "yesterday"\)/);
  assert.match(error({ timestamp: '2026-11-30 11:00:00' }), /^timestamp: /);
  const v = validateRunRecord(base({ timestamp: '2024-02-29T10:00:00Z' }), NOW);
  assert.ok(v.ok);
  assert.equal(v.record.timestampMs, Date.UTC(2024, 1, 29, 10));
});

test('a missing nested field is named in full', () => {
  assert.equal(error({ attempts: [{ duration_seconds: 1, exit_code: 0 }] }), 'attempts.0.success: required');
  assert.equal(
    error({
      attempts: [
        { duration_seconds: 1, exit_code: 0, success: true },
        { exit_code: 0, success: true },
      ],
    }),
    'attempts.1.duration_seconds: required',
  );
  const top = validateRunRecord({ final_status: 'failed', total_duration_seconds: 1, attempts: [] }, NOW);
  assert.deepEqual(top, { ok: false, error: 'command: required' });
});

// Redaction of every free-text field.
const REDACT_NOW = Date.UTC(2026, 0, 1);
const redactBase = { final_status: 'failed', total_duration_seconds: 1, attempts: [] };

test('every free-text field is redacted, label keys included; a credential-named label is masked whole', () => {
  const r = validateRunRecord(
    {
      ...redactBase,
      command: 'mysql -pSECRET1 db',
      command_hash: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      reason: 'curl: (22) https://h/x?key=SECRET2 returned 403',
      host: 'https://u:SECRET3@h',
      strategy: 'x --token SECRET4',
      labels: {
        url: 'https://h/?sig=SECRET5',
        db_password: 'SECRET6',
        'xoxb-1234-5678-abcdefghij': 'v',
        empty_token: '',
      },
    },
    REDACT_NOW,
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
  const r = validateRunRecord(
    { ...redactBase, command: 'corp-1', reason: 'corp-2', host: 'corp-3', labels: { 'corp-4': 'corp-5' } },
    REDACT_NOW,
    (t) => t.replace(/corp-\d/g, 'X'),
  );
  assert.ok(r.ok);
  assert.deepEqual([r.record.command, r.record.reason, r.record.host, r.record.labels], ['X', 'X', 'X', { X: 'X' }]);
});

test('a hash given by the client is kept when it holds no credential', () => {
  const r = validateRunRecord({ ...redactBase, command: 'make', command_hash: '0123abcd' }, REDACT_NOW);
  assert.ok(r.ok);
  assert.equal(r.record.command_hash, '0123abcd');
});

// Regression: labels were copied by assignment, and out["__proto__"] = "v" sets no property,
// so a valid label named __proto__ was acknowledged and silently dropped.
test('labels named like Object.prototype members (__proto__, constructor) are kept as plain labels', () => {
  const sent: unknown = JSON.parse('{"__proto__":"p","constructor":"c","toString":"t","hasOwnProperty":"h"}');
  const v = validateRunRecord(base({ labels: sent }), NOW);
  assert.ok(v.ok, v.ok ? '' : v.error);
  const kept = v.record.labels ?? {};
  assert.deepEqual(Object.keys(kept), ['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
  assert.equal(JSON.stringify(kept), '{"__proto__":"p","constructor":"c","toString":"t","hasOwnProperty":"h"}');
  assert.equal(Object.getPrototypeOf(kept), Object.prototype);
});

// Regression: the schema's maxLength counts code points, so text of emoji (two UTF-16 code
// units each) passed at up to twice its documented bound.
test('text bounds count UTF-16 code units: astral characters count twice, lone surrogates once', () => {
  const emoji = (units: number): string => '😀'.repeat(Math.floor(units / 2)) + 'x'.repeat(units % 2);
  for (const [field, max] of [
    ['command', L.MAX_COMMAND_LENGTH],
    ['command_hash', L.MAX_COMMAND_HASH_LENGTH],
    ['strategy', L.MAX_STRATEGY_LENGTH],
    ['reason', L.MAX_REASON_LENGTH],
    ['host', L.MAX_HOST_LENGTH],
  ] as const) {
    accepted({ [field]: emoji(max) });
    assert.equal(
      error({ [field]: `${emoji(max)}x` }),
      `${field}: must not have more than ${max} characters (got ${max + 1} UTF-16 code units)`,
    );
    assert.match(
      error({ [field]: emoji(max + 2) }),
      new RegExp(`^${field}: must not have more than ${max} characters`),
    );
  }
  accepted({ labels: { team: emoji(L.MAX_LABEL_VALUE_LENGTH) } });
  assert.equal(
    error({ labels: { team: `${emoji(L.MAX_LABEL_VALUE_LENGTH)}\ud800` } }),
    'labels.team: must not have more than 1024 characters (got 1025 UTF-16 code units)',
  );
});

// Regression: a lone surrogate was stored as sent by the memory store but read back from
// SQLite as three U+FFFD, so what was acknowledged was not what was kept.
test('lone surrogates in any text become U+FFFD, one for one; pairs (emoji) are kept', () => {
  const v = validateRunRecord(
    base({
      command: 'echo \ud800 😀 \udfff',
      command_hash: 'h\udc00',
      reason: 'r\ud83d',
      labels: { team: 'a\udfffb' },
    }),
    NOW,
  );
  assert.ok(v.ok, v.ok ? '' : v.error);
  assert.equal(v.record.command, 'echo \ufffd 😀 \ufffd');
  assert.equal(v.record.command_hash, 'h\ufffd');
  assert.equal(v.record.reason, 'r\ufffd');
  assert.deepEqual(v.record.labels, { team: 'a\ufffdb' });
});
