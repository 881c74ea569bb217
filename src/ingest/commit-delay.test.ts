import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommitDelay, FULL_BATCH, MAX_COMMIT_DELAY_MS, SLOW_COMMIT_MS, commitDelayFor } from './commit-delay.ts';
import { MemoryStore } from '../store/memory-store.ts';
import { NO_LIMITS } from '../store/test-support.ts';

const never = { set: () => assert.fail('no timer here'), clear: () => undefined };

test('delayMs: nothing timed yet, a fast store, a lone client or a full batch commit now; else about a commit, capped', () => {
  let expected = 1;
  const d = new CommitDelay({ expected: () => expected, clock: () => 0, timer: never });
  assert.equal(d.delayMs(1), 0, 'no commit timed yet');
  d.committed(SLOW_COMMIT_MS / 2);
  assert.equal(d.delayMs(1), 0, 'commits are fast');
  d.committed(100);
  assert.ok(d.smoothedCommitMs > MAX_COMMIT_DELAY_MS);
  assert.equal(d.delayMs(1), MAX_COMMIT_DELAY_MS, 'capped');
  assert.equal(d.delayMs(FULL_BATCH - 1), MAX_COMMIT_DELAY_MS);
  assert.equal(d.delayMs(FULL_BATCH), 0, 'a full batch');
  expected = 0;
  assert.equal(d.delayMs(1), 0, 'nobody else is sending');

  const slow = new CommitDelay({ expected: () => 1, clock: () => 0, timer: never, maxDelayMs: 10 });
  slow.committed(1.2);
  assert.equal(slow.delayMs(5), 1.2, 'as long as a commit takes');
});

test('commitDelayFor: a store that commits in memory gets no delay at all; one that waits for the disk does', () => {
  assert.equal(
    commitDelayFor(new MemoryStore(NO_LIMITS), () => 1),
    undefined,
  );
  assert.ok(commitDelayFor({ durable: true }, () => 1) instanceof CommitDelay);
});
