// The export's body: the same text in every format however it is chunked, a fault that
// cuts it short, and the bound that matters at a million records: a slow reader never
// lets the daemon serialise more than a few chunks ahead of what the reader has taken.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StoredRun } from '../store/types.ts';
import { EXPORT_CHUNK_CHARS, exportStream, type ExportFormat } from './export-stream.ts';
import { CSV_HEADER, toApiRun, toCsvRow } from './serialize.ts';
import { run, T0 } from '../store/test-support.ts';

/** n stored runs of about 400 bytes of JSON each: many chunks' worth. */
function storedRuns(n: number): StoredRun[] {
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    receivedAtMs: T0 + i,
    record: run(
      `deploy --shard ${i} "x, y"`,
      i % 3 ? 'succeeded' : 'failed',
      [
        [0.5, false],
        [1.25, true],
      ],
      T0 + i,
    ),
  }));
}

/** Counts how many runs the stream has taken from the store. */
function counted(runs: StoredRun[]): { iterator: Iterator<StoredRun>; pulled: () => number } {
  let pulled = 0;
  const inner = runs[Symbol.iterator]();
  return {
    iterator: {
      next: () => {
        const r = inner.next();
        if (!r.done) pulled++;
        return r;
      },
    },
    pulled: () => pulled,
  };
}

async function collect(format: ExportFormat, runs: StoredRun[]): Promise<string> {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  await pipeline(
    exportStream(runs[Symbol.iterator](), format, (err) => assert.fail(String(err))),
    sink,
  );
  return text;
}

test('every format, empty and over many chunks, is the same text as serialising each run', async () => {
  for (const n of [0, 1, 3000]) {
    const runs = storedRuns(n);
    const json = await collect('json', runs);
    assert.equal(json, JSON.stringify(runs.map(toApiRun)), `json, ${n} runs`);
    assert.equal(await collect('ndjson', runs), runs.map((r) => `${JSON.stringify(toApiRun(r))}\n`).join(''));
    assert.equal(await collect('csv', runs), CSV_HEADER + runs.map(toCsvRow).join(''));
  }
});

test('a store fault mid-way is reported once and ends the stream with the error', async () => {
  const runs = storedRuns(2000);
  let taken = 0;
  const failing: Iterator<StoredRun> = {
    next: () => {
      if (++taken > 1500) throw new Error('disk I/O error');
      return { done: false, value: runs[taken - 1] as StoredRun };
    },
  };
  const faults: unknown[] = [];
  const sink = new Writable({ write: (_c, _e, done) => done() });
  await assert.rejects(
    pipeline(
      exportStream(failing, 'ndjson', (e) => faults.push(e)),
      sink,
    ),
    /disk I\/O error/,
  );
  assert.equal(faults.length, 1);
});

test('a reader that takes nothing stops the export within a few chunks, and it resumes as it reads', async () => {
  const runs = storedRuns(20_000);
  const rowChars = runs.map((r) => JSON.stringify(toApiRun(r)).length + 1);
  const { iterator, pulled } = counted(runs);
  const held: Array<() => void> = [];
  let consumed = 0;
  let worstAhead = 0;
  // What the stream has serialised beyond what the reader has taken, in characters.
  const ahead = (): number => rowChars.slice(0, pulled()).reduce((a, b) => a + b, 0) - consumed;
  const reader = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, done) {
      worstAhead = Math.max(worstAhead, ahead());
      consumed += chunk.length;
      held.push(done);
    },
  });
  const finished = pipeline(
    exportStream(iterator, 'ndjson', (err) => assert.fail(String(err))),
    reader,
  );
  // The reader has its first chunk and has not acknowledged it: let every pending tick run.
  while (held.length === 0) await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  const stalledAt = pulled();
  assert.ok(stalledAt < runs.length / 10, `stopped after ${stalledAt} of ${runs.length} runs`);
  assert.ok(ahead() <= 4 * EXPORT_CHUNK_CHARS, `${ahead()} characters serialised ahead of the reader`);
  assert.equal(held.length, 1, 'one write outstanding');
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  assert.equal(pulled(), stalledAt, 'nothing more is read from the store while the reader waits');

  // Now read slowly to the end: the stream never runs more than a few chunks ahead.
  let ended = false;
  void finished.then(() => (ended = true));
  while (!ended) {
    const done = held.shift();
    if (done) done();
    else await new Promise((r) => setImmediate(r));
  }
  await finished;
  assert.equal(
    consumed,
    rowChars.reduce((a, b) => a + b, 0),
  );
  assert.ok(worstAhead <= 4 * EXPORT_CHUNK_CHARS, `at worst ${worstAhead} characters ahead`);
});
