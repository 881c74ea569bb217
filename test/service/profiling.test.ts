// /debug/pprof/* with enable_profiling, and 404 without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { getJson, spawnTestDaemon } from '../helpers/daemon.ts';

test('without enable_profiling every /debug/pprof path is 404', async (t) => {
  const d = await spawnTestDaemon();
  t.after(() => void d.child.kill('SIGKILL'));
  for (const p of ['/debug/pprof/', '/debug/pprof/profile?seconds=1', '/debug/pprof/heap', '/debug/pprof/goroutine']) {
    assert.equal((await getJson(`${d.url}${p}`)).status, 404, p);
  }
  assert.equal(await d.stop(), 0, d.logs());
  fs.rmSync(d.dir, { recursive: true, force: true });
});

test('with enable_profiling: index, CPU profile, heap snapshot, active handles', async (t) => {
  const d = await spawnTestDaemon({ args: ['-enable-profiling'] });
  t.after(() => void d.child.kill('SIGKILL'));

  const index = await getJson(`${d.url}/debug/pprof/`);
  assert.equal(index.status, 200);
  const names = (index.body as { profiles: Array<{ name: string }> }).profiles.map((p) => p.name);
  assert.deepEqual(names, ['profile', 'heap', 'goroutine']);
  const html = await fetch(`${d.url}/debug/pprof/`, { headers: { accept: 'text/html' } });
  assert.match(await html.text(), /<a href="\/debug\/pprof\/heap">heap<\/a>/);

  for (const bad of ['0', '61', 'abc', '1.5']) {
    const r = await getJson(`${d.url}/debug/pprof/profile?seconds=${bad}`);
    assert.equal(r.status, 400, bad);
    assert.match((r.body as { error: string }).error, /^seconds: ".*" is not a whole number from 1 to 60$/);
  }

  // One CPU profile at a time: a second request while the first runs gets 409.
  const first = fetch(`${d.url}/debug/pprof/profile?seconds=2`);
  let firstDone = false;
  void first.then(() => (firstDone = true));
  let busy = 0;
  while (!firstDone && busy === 0) {
    const r = await getJson(`${d.url}/debug/pprof/profile?seconds=1`);
    if (r.status === 409) busy++;
    else assert.equal(r.status, 200, 'it ran before the first one started: try again');
  }
  assert.equal(busy, 1, 'a concurrent profile is refused with 409');
  const res = await first;
  assert.equal(res.status, 200);
  assert.match(
    res.headers.get('content-disposition') ?? '',
    /^attachment; filename="patienced-\d{8}-\d{6}\.cpuprofile"$/,
  );
  const profile = (await res.json()) as { nodes: unknown[]; startTime: number; endTime: number; samples: unknown[] };
  assert.ok(Array.isArray(profile.nodes) && profile.nodes.length > 0);
  assert.ok(profile.endTime > profile.startTime);

  const heap = await fetch(`${d.url}/debug/pprof/heap`);
  assert.equal(heap.status, 200);
  assert.match(heap.headers.get('content-disposition') ?? '', /\.heapsnapshot"$/);
  const snapshot = (await heap.json()) as { snapshot: { meta: unknown; node_count: number } };
  assert.ok(snapshot.snapshot.meta);
  assert.ok(snapshot.snapshot.node_count > 1000);

  const g = (await getJson(`${d.url}/debug/pprof/goroutine`)).body as {
    total: number;
    by_type: Record<string, number>;
    handles: Array<{ type: string; local?: unknown }>;
    socket_connections: { active: number };
  };
  assert.ok(g.total > 0);
  assert.ok((g.by_type['PipeWrap'] ?? 0) >= 1, JSON.stringify(g.by_type));
  assert.ok((g.by_type['TCPServerWrap'] ?? 0) >= 1, JSON.stringify(g.by_type));
  assert.ok(g.handles.some((h) => h.type === 'pipe' && h.local === d.socketPath));
  assert.equal(typeof g.socket_connections.active, 'number');

  const perf = (await getJson(`${d.url}/api/daemon/performance`)).body as { gc: { count: number } };
  assert.ok(perf.gc.count > 0, 'a heap snapshot is taken after a GC, which the performance figures count');
  assert.equal(await d.stop(), 0, d.logs());
  fs.rmSync(d.dir, { recursive: true, force: true });
});
