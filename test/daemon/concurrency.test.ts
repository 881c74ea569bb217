// 1,024 clients at once, each sending one record the way the CLI does: every one is
// acknowledged, and every acknowledged record is stored (the Go original lost 8–10%).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { getJson, spawnTestDaemon, tempDir } from '../helpers/daemon.ts';
import { runRecord, send } from '../helpers/socket.ts';

for (const storage of ['memory', 'data file'] as const) {
  test(`1,024 concurrent clients lose nothing (${storage})`, async () => {
    const dir = tempDir();
    const args = ['-max-metrics', '100000'];
    if (storage === 'data file') args.push('-data-file', path.join(dir, 'metrics.db'));
    const d = await spawnTestDaemon({ dir, args });
    const results = await Promise.all(
      Array.from({ length: 1024 }, (_, i) =>
        send(d.socketPath, [runRecord({ command: `client-${i}` })], {
          trailingNewline: i % 2 === 0,
          timeoutMs: 30_000,
        }),
      ),
    );
    const acked = results.filter((r) => r[0]?.status === 'ok').length;
    assert.equal(acked, 1024, 'the default limits serve 1,024 clients through the waiting line');
    const stats = (await getJson(`${d.url}/api/daemon/stats`)).body as { total_metrics: number; received: number };
    assert.equal(stats.total_metrics, 1024);
    assert.equal(stats.received, 1024);
    const exported = (await (await fetch(`${d.url}/api/metrics/export`)).json()) as Array<{
      metrics: { command: string };
    }>;
    assert.equal(new Set(exported.map((r) => r.metrics.command)).size, 1024);
    assert.equal(await d.stop(), 0, d.logs());
    fs.rmSync(dir, { recursive: true, force: true });
  });
}
