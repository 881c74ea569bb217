import test from 'node:test';
import assert from 'node:assert/strict';
import { MAX_CLEAN_LENGTH, MAX_CLEAN_TEXTS, rememberClean } from './clean-texts.ts';
import { redact } from './redact.ts';

/** The redactor, counting its calls. */
function counted(): { redact: (t: string) => string; calls: () => number } {
  let n = 0;
  return {
    redact: (t) => {
      n++;
      return redact(t);
    },
    calls: () => n,
  };
}

test('a text the redactor leaves alone is redacted once, then answered from the memo', () => {
  const c = counted();
  const r = rememberClean(c.redact);
  for (let i = 0; i < 3; i++) assert.equal(r('make -C services/api test'), 'make -C services/api test');
  assert.equal(c.calls(), 1);
});

test('a text with a credential is redacted every time and never remembered', () => {
  const c = counted();
  const r = rememberClean(c.redact);
  const secret = 'mysql --password=hunter2 -e "select 1"';
  for (let i = 0; i < 3; i++) assert.equal(r(secret), 'mysql --password=*** -e "select 1"');
  assert.equal(c.calls(), 3);
});

test('a text over the length bound is not remembered', () => {
  const c = counted();
  const r = rememberClean(c.redact);
  const long = `echo ${'x'.repeat(MAX_CLEAN_LENGTH)}`;
  r(long);
  r(long);
  assert.equal(c.calls(), 2);
});

test('the memo is bounded: once full it starts over', () => {
  const c = counted();
  const r = rememberClean(c.redact);
  for (let i = 0; i <= MAX_CLEAN_TEXTS; i++) r(`job-${i}`);
  const before = c.calls();
  // job-0 was dropped when the memo started over at MAX_CLEAN_TEXTS; the last one stays.
  r('job-0');
  r(`job-${MAX_CLEAN_TEXTS}`);
  assert.equal(c.calls(), before + 1);
});
