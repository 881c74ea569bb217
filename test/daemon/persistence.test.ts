// With a data file, every record acknowledged ok survives kill -9 mid-flood and a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { getJson, spawnTestDaemon, tempDir } from '../helpers/daemon.ts';
import { runRecord, streamer } from '../helpers/socket.ts';
import { waitFor } from '../helpers/service.ts';

test('kill -9 during a flood loses no acknowledged record', async () => {
  const dir = tempDir();
  const dataFile = path.join(dir, 'metrics.db');
  const args = ['-data-file', dataFile, '-max-metrics', '1000000'];
  const first = await spawnTestDaemon({ dir, args });
  const acked = new Set<string>();
  const streams = Array.from({ length: 8 }, (_, i) => streamer(first.socketPath, `c${i}`, acked));
  await waitFor('3000 acknowledged records', () => acked.size >= 3000);
  first.child.kill('SIGKILL');
  await first.stop();
  const ackedAtKill = new Set(acked);
  for (const s of streams) s.end();
  assert.ok(ackedAtKill.size >= 3000);

  const second = await spawnTestDaemon({ dir, args });
  const exported = await (await fetch(`${second.url}/api/metrics/export?format=ndjson`)).text();
  const present = new Set(
    exported
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { metrics: { command: string } }).metrics.command),
  );
  const missing = [...ackedAtKill].filter((c) => !present.has(c));
  assert.deepEqual(missing, [], `${missing.length} acknowledged records lost`);
  const stats = (await getJson(`${second.url}/api/daemon/stats`)).body as { total_metrics: number };
  assert.equal(stats.total_metrics, present.size);
  assert.equal(await second.stop(), 0, second.logs());
  fs.rmSync(dir, { recursive: true, force: true });
});

test('records survive a clean restart, and ids keep increasing', async () => {
  const dir = tempDir();
  const args = ['-data-file', path.join(dir, 'metrics.db')];
  const a = await spawnTestDaemon({ dir, args });
  const { send } = await import('../helpers/socket.ts');
  await send(a.socketPath, [runRecord({ command: 'one' }), runRecord({ command: 'two' })]);
  assert.equal(await a.stop(), 0, a.logs());
  assert.equal(fs.existsSync(a.socketPath), false, 'the socket file is removed on exit');
  const b = await spawnTestDaemon({ dir, args });
  await send(b.socketPath, [runRecord({ command: 'three' })]);
  const recent = (await getJson(`${b.url}/api/metrics/recent`)).body as {
    metrics: Array<{ id: number; metrics: { command: string } }>;
  };
  assert.deepEqual(
    recent.metrics.map((m) => m.metrics.command),
    ['three', 'two', 'one'],
  );
  const ids = recent.metrics.map((m) => m.id);
  assert.ok((ids[0] ?? 0) > (ids[1] ?? 0) && (ids[1] ?? 0) > (ids[2] ?? 0));
  assert.equal(await b.stop(), 0, b.logs());
  fs.rmSync(dir, { recursive: true, force: true });
});
