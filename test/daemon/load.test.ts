// Load at scale (README.md, "The socket protocol"): 1,024 clients at once with one record
// each, then 64 clients each streaming 500 records without waiting for a reply. Every
// document gets a reply, every acknowledged record is stored, and /api/health answers
// each request within 1 s throughout, in memory and with a data file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { getJson, spawnTestDaemon, tempDir } from '../helpers/daemon.ts';
import { exchange, pollHealth, quantile, storedCommands, type Exchange } from '../helpers/load.ts';
import { runRecord } from '../helpers/socket.ts';

const ONE_RECORD_CLIENTS = 1024;
const STREAMS = 64;
const PER_STREAM = 500;
const TOTAL = ONE_RECORD_CLIENTS + STREAMS * PER_STREAM;

/** What the clients saw, document by document. */
interface Tally {
  acked: string[];
  refused: number;
  /** Documents that got no reply on a connection that ended without an error line. */
  unanswered: string[];
  connectionErrors: string[];
}

/** Matches each client's replies to the documents it sent (replies keep document order). */
function tally(sent: readonly string[][], results: readonly Exchange[]): Tally {
  const t: Tally = { acked: [], refused: 0, unanswered: [], connectionErrors: [] };
  sent.forEach((commands, i) => {
    const r = results[i] ?? { replies: [] };
    if (r.error !== undefined) t.connectionErrors.push(`client ${i}: ${r.error}`);
    r.replies.forEach((reply, k) => {
      if (reply.status === 'ok') t.acked.push(commands[k] ?? `client ${i}: reply ${k} beyond what it sent`);
      else t.refused++;
    });
    // Fewer replies than documents is only loud when the last line told the client why.
    const told = r.replies.at(-1)?.status === 'error';
    if (r.replies.length < commands.length && !told) t.unanswered.push(...commands.slice(r.replies.length));
  });
  return t;
}

async function phase(
  socketPath: string,
  sent: string[][],
  payload: (commands: string[], i: number) => string,
): Promise<{ tally: Tally; ms: number }> {
  const t0 = performance.now();
  const results = await Promise.all(sent.map((commands, i) => exchange(socketPath, payload(commands, i))));
  return { tally: tally(sent, results), ms: performance.now() - t0 };
}

const line = (command: string): string => JSON.stringify(runRecord({ command }));

for (const storage of ['memory', 'data file'] as const) {
  test(`1,024 one-record clients, then 64 NDJSON streams: nothing lost, health within 1 s (${storage})`, async (t) => {
    const dir = tempDir();
    const args = ['-max-metrics', '100000'];
    if (storage === 'data file') args.push('-data-file', path.join(dir, 'metrics.db'));
    const d = await spawnTestDaemon({ dir, args });
    const health = pollHealth(d.url);
    try {
      const oneEach = Array.from({ length: ONE_RECORD_CLIENTS }, (_, i) => [`one-${i}`]);
      // Half end with a newline, half without one, as the original Go client sends.
      const p1 = await phase(d.socketPath, oneEach, ([c], i) => line(c ?? '') + (i % 2 === 0 ? '\n' : ''));
      const streams = Array.from({ length: STREAMS }, (_, s) =>
        Array.from({ length: PER_STREAM }, (_, k) => `stream-${s}-${k}`),
      );
      const p2 = await phase(d.socketPath, streams, (commands) => commands.map((c) => `${line(c)}\n`).join(''));
      const h = await health.stop();

      for (const [name, p] of [
        ['one record per connection', p1],
        ['streams', p2],
      ] as const) {
        assert.deepEqual(p.tally.connectionErrors, [], `${name}: a client's connection failed`);
        assert.deepEqual(p.tally.unanswered.slice(0, 5), [], `${name}: documents dropped without a word`);
        assert.equal(p.tally.refused, 0, `${name}: the default limits serve every client`);
      }
      assert.equal(p1.tally.acked.length, ONE_RECORD_CLIENTS);
      assert.equal(p2.tally.acked.length, STREAMS * PER_STREAM);

      assert.deepEqual(h.failures, [], 'every health request was answered 200 within its 1 s deadline');
      assert.ok(h.latencies.length >= 2, `the poller ran throughout (${h.latencies.length} answers)`);

      const stats = (await getJson(`${d.url}/api/daemon/stats`)).body as { total_metrics: number; received: number };
      assert.equal(stats.received, TOTAL);
      assert.equal(stats.total_metrics, TOTAL);
      const stored = await storedCommands(d.url);
      const missing = [...p1.tally.acked, ...p2.tally.acked].filter((c) => !stored.has(c));
      assert.deepEqual(missing.slice(0, 5), [], `${missing.length} acknowledged records are not stored`);

      t.diagnostic(
        `load figure (${storage}): ${ONE_RECORD_CLIENTS} one-record clients in ${Math.round(p1.ms)} ms; ` +
          `${STREAMS}×${PER_STREAM} streamed in ${Math.round(p2.ms)} ms (${Math.round((STREAMS * PER_STREAM) / (p2.ms / 1000))} rec/s); ` +
          `/api/health ${h.latencies.length} answers, p50 ${quantile(h.latencies, 0.5).toFixed(1)} ms, ` +
          `p99 ${quantile(h.latencies, 0.99).toFixed(1)} ms, max ${Math.max(...h.latencies).toFixed(1)} ms`,
      );
    } finally {
      await health.stop();
      assert.equal(await d.stop(), 0, d.logs());
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
