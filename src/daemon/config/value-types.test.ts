import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boolean, duration, integer, octalMode, oneOf, optionalText, parseGoBool, text } from './value-types.ts';

test('parseGoBool accepts exactly Go strconv.ParseBool words', () => {
  for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(parseGoBool(t), true, t);
  for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) assert.equal(parseGoBool(f), false, f);
  for (const bad of ['', 'yes', 'no', 'on', 'tRUE', ' true', '2']) assert.equal(parseGoBool(bad), undefined, bad);
});

test('boolean: JSON booleans only in the file', () => {
  assert.deepEqual(boolean().fromJson(false), { ok: true, value: false });
  assert.equal(boolean().fromJson('true').ok, false);
  assert.equal(boolean().fromJson(1).ok, false);
});

test('integer: decimal only, range checked, JSON numbers must be integers', () => {
  const port = integer(0, 65535);
  assert.deepEqual(port.fromText('8081'), { ok: true, value: 8081 });
  assert.deepEqual(port.fromText('0'), { ok: true, value: 0 });
  assert.deepEqual(port.fromText('65535'), { ok: true, value: 65535 });
  for (const bad of ['80x', '0x50', '1e3', ' 80', '80 ', '', '65536', '-1', '8.5', '0o17']) {
    const r = port.fromText(bad);
    assert.equal(r.ok, false, bad);
    if (!r.ok) assert.equal(r.reason, 'must be an integer 0..65535');
  }
  assert.deepEqual(port.fromJson(8080), { ok: true, value: 8080 });
  assert.equal(port.fromJson(80.5).ok, false);
  assert.equal(port.fromJson('8080').ok, false);
  const atLeast = integer(1024);
  const r = atLeast.fromText('1023');
  assert.equal(r.ok ? '' : r.reason, 'must be an integer >= 1024');
  assert.equal(atLeast.fromText('99999999999999999999').ok, false);
});

test('duration: Go strings to ms, JSON integers as nanoseconds, must be > 0', () => {
  const d = duration();
  assert.deepEqual(d.fromText('24h'), { ok: true, value: 86_400_000 });
  assert.deepEqual(d.fromText('1h30m'), { ok: true, value: 5_400_000 });
  assert.deepEqual(d.fromText('500ms'), { ok: true, value: 500 });
  assert.deepEqual(d.fromJson(86_400_000_000_000), { ok: true, value: 86_400_000 });
  assert.deepEqual(d.fromJson('12h'), { ok: true, value: 43_200_000 });
  for (const bad of ['10', '1d', '1h 30m', '', 'abc']) {
    const r = d.fromText(bad);
    assert.equal(r.ok ? '' : r.reason, 'must be a duration such as 24h, 90m, 1h30m or 500ms', bad);
  }
  for (const zero of ['0', '0s', '-1h']) assert.equal(d.fromText(zero).ok ? '' : 'fail', 'fail', zero);
  const neg = d.fromJson(-5);
  assert.equal(neg.ok ? '' : neg.reason, 'must be greater than 0');
  assert.equal(d.fromJson(1.5).ok, false);
  assert.equal(d.fromJson(true).ok, false);
  assert.equal(d.fromText('3000000h').ok, false);
  assert.equal(d.show(86_400_000), '24h0m0s');
});

test('duration: a JSON integer under one second warns with the probable intent, or fails below the minimum', () => {
  const d = duration();
  assert.deepEqual(d.fromJson(3600), {
    ok: true,
    value: 0.0036,
    warning: '3600 is 3.6µs (an integer is nanoseconds, as Go writes it); if you meant 3600 seconds write "1h"',
  });
  const w = d.fromJson(90);
  assert.equal(
    w.ok && w.warning,
    '90 is 90ns (an integer is nanoseconds, as Go writes it); if you meant 90 seconds write "1m30s"',
  );
  // One second and more in nanoseconds is deliberate; so is any text with a unit.
  assert.deepEqual(d.fromJson(1_000_000_000), { ok: true, value: 1000 });
  assert.deepEqual(d.fromText('3600ns'), { ok: true, value: 0.0036 });

  const atLeastOneSecond = duration(1000);
  const r = atLeastOneSecond.fromJson(3600);
  assert.equal(
    r.ok ? '' : r.reason,
    '3600 is 3.6µs (an integer is nanoseconds, as Go writes it); if you meant 3600 seconds write "1h"',
  );
  const t = atLeastOneSecond.fromText('500ms');
  assert.equal(t.ok ? '' : t.reason, 'must be at least 1s');
  assert.deepEqual(atLeastOneSecond.fromText('1s'), { ok: true, value: 1000 });
  assert.deepEqual(atLeastOneSecond.fromJson(86_400_000_000_000), { ok: true, value: 86_400_000 });
});

test('oneOf: case-insensitive, kept lower case', () => {
  const level = oneOf(['debug', 'info', 'warn', 'error'] as const);
  assert.deepEqual(level.fromText('WARN'), { ok: true, value: 'warn' });
  const r = level.fromText('verbose');
  assert.equal(r.ok ? '' : r.reason, 'must be one of debug, info, warn, error');
  assert.equal(level.fromJson(1).ok, false);
});

test('octalMode: octal strings 0..0777', () => {
  const m = octalMode();
  assert.deepEqual(m.fromText('0660'), { ok: true, value: 0o660 });
  assert.deepEqual(m.fromText('660'), { ok: true, value: 0o660 });
  assert.deepEqual(m.fromText('0600'), { ok: true, value: 0o600 });
  assert.deepEqual(m.fromText('0'), { ok: true, value: 0 });
  for (const bad of ['0888', '1777', '0o660', '00660', '', 'rw', '-1', '0x1a4'])
    assert.equal(m.fromText(bad).ok, false, bad);
  assert.equal(m.fromJson(660).ok, false, 'a JSON number is ambiguous');
  assert.deepEqual(m.fromJson('0644'), { ok: true, value: 0o644 });
  assert.equal(m.show(0o660), '0660');
  assert.equal(m.show(0o7), '0007');
});

test('text and optionalText: empty handling', () => {
  assert.equal(text().fromText('').ok, false);
  assert.equal(text().fromJson(5).ok, false);
  assert.deepEqual(optionalText().fromText(''), { ok: true, value: undefined });
  assert.deepEqual(optionalText().fromJson(null), { ok: true, value: undefined });
  assert.deepEqual(optionalText().fromJson('/var/lib/x.db'), { ok: true, value: '/var/lib/x.db' });
  assert.equal(optionalText().fromJson(false).ok, false);
});
