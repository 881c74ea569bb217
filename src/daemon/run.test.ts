// The daemon in this process with a store that fails on demand: the retention timer, the
// ingest path and the queries meet storage faults without crashing, and health follows.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { startServices, type DaemonSettings, type RunningDaemon } from './run.ts';
import { DISK_FULL, DISK_IO, FaultyStore } from '../store/fault-injection.ts';
import { openStore } from '../store/index.ts';
import type { Store } from '../store/types.ts';
import { HOUR, T0, run } from '../store/test-support.ts';

const RECORD = {
  command: 'make test',
  final_status: 'succeeded',
  total_duration_seconds: 1,
  attempts: [{ duration_seconds: 1, exit_code: 0, success: true }],
};

interface Harness {
  daemon: RunningDaemon;
  store: FaultyStore;
  url: string;
  socketPath: string;
  logs: () => string;
}

function settings(dir: string, extra: Partial<DaemonSettings> = {}): DaemonSettings {
  return {
    socketPath: path.join(dir, 'd.sock'),
    socketMode: 0o600,
    enableHttp: true,
    httpHost: '127.0.0.1',
    httpPort: 0,
    maxRecords: 1000,
    metricsMaxAgeMs: HOUR,
    dataFile: undefined,
    maxConnections: 10,
    maxMessageBytes: 65536,
    maxStoreBytes: 64 * 1_048_576,
    enableProfiling: false,
    redactPatterns: [],
    allowedHosts: [],
    maxRateLimitResources: 10_000,
    ...extra,
  };
}

function logSink(): { log: Logger; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  const log: Logger = pino({ level: 'debug' }, stream);
  return { log, text: () => text };
}

function tempDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patience-run-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(
  t: TestContext,
  prepare: (s: FaultyStore) => void = () => undefined,
  extra: Partial<DaemonSettings> = {},
): Promise<Harness> {
  const dir = tempDir(t);
  const sink = logSink();
  let store: FaultyStore | undefined;
  const s = settings(dir, extra);
  const daemon = await startServices(s, {
    log: sink.log,
    cleanupIntervalMs: 20,
    openStore: (o) => {
      store = new FaultyStore(o.limits);
      prepare(store);
      try {
        store.removeExpired(Date.now());
      } catch (err) {
        o.onExpireError?.(err);
      }
      return store;
    },
  });
  t.after(() => daemon.stop());
  assert.ok(store);
  return { daemon, store, url: `http://${daemon.httpAddress}`, socketPath: s.socketPath, logs: sink.text };
}

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Polls until check passes; the retention timer ticks every 20 ms here. */
async function eventually<T>(what: string, fn: () => Promise<T>, check: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const v = await fn();
    if (check(v)) return v;
    if (Date.now() > deadline) assert.fail(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function sendOne(socketPath: string, doc: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(socketPath, () => sock.end(`${JSON.stringify(doc)}\n`));
    let data = '';
    sock.on('data', (d: Buffer) => (data += d.toString()));
    sock.on('error', reject);
    sock.on('close', () => resolve(JSON.parse(data.split('\n')[0] ?? '{}') as Record<string, unknown>));
  });
}

test('the retention timer meets SQLITE_FULL at every tick: no crash, health degraded with the reason, healthy once a tick succeeds', async (t) => {
  const h = await start(t);
  h.store.faults.set('removeExpired', DISK_FULL);
  const degraded = await eventually(
    'health',
    () => get(`${h.url}/api/health`),
    (r) => r.status === 503,
  );
  assert.equal(degraded.body.status, 'degraded');
  assert.equal(degraded.body.reason, 'removing expired records failed: database or disk is full (SQLITE_FULL)');
  // It keeps trying at every tick, and the daemon keeps serving meanwhile.
  const before = h.store.calls.get('removeExpired') ?? 0;
  await eventually(
    'retries',
    async () => h.store.calls.get('removeExpired') ?? 0,
    (n) => n >= before + 3,
  );
  assert.equal((await sendOne(h.socketPath, RECORD)).status, 'ok');
  assert.equal(
    h.logs().match(/storage fault: removing expired records failed/g)?.length,
    1,
    'logged once, not at every tick',
  );

  h.store.faults.delete('removeExpired');
  const healthy = await eventually(
    'health',
    () => get(`${h.url}/api/health`),
    (r) => r.status === 200,
  );
  assert.equal(healthy.body.status, 'healthy');
  assert.equal(healthy.body.reason, undefined);
  assert.match(h.logs(), /storage recovered: retention/);
});

test('retention that fails at start-up (a full disk with expired runs) starts degraded instead of failing', async (t) => {
  const h = await start(t, (s) => s.faults.set('removeExpired', DISK_FULL));
  const r = await get(`${h.url}/api/health`);
  assert.equal(r.status, 503);
  assert.equal(r.body.status, 'degraded');
  h.store.faults.delete('removeExpired');
  await eventually(
    'health',
    () => get(`${h.url}/api/health`),
    (x) => x.status === 200,
  );
});

test('ingest on a failing store answers storage_error and counts it; health degraded; the next stored batch clears it', async (t) => {
  const h = await start(t);
  h.store.faults.set('append', DISK_FULL);
  const reply = await sendOne(h.socketPath, RECORD);
  assert.equal(reply.status, 'error');
  assert.match(
    String(reply.error),
    /^storage_error: the record was not stored: database or disk is full \(SQLITE_FULL\)/,
  );
  const stats = await get(`${h.url}/api/daemon/stats`);
  assert.equal((stats.body.rejected as Record<string, number>).storage_error, 1);
  assert.equal(stats.body.received, 0);
  const health = await get(`${h.url}/api/health`);
  assert.equal(health.status, 503);
  assert.equal(health.body.reason, 'storing records failed: database or disk is full (SQLITE_FULL)');

  h.store.faults.delete('append');
  assert.equal((await sendOne(h.socketPath, RECORD)).status, 'ok');
  assert.equal((await get(`${h.url}/api/health`)).status, 200);
});

test('queries on a failing store answer 503 with code storage_unavailable (never a crash or a bare 500); export too', async (t) => {
  const h = await start(t);
  h.store.append([run('make', 'succeeded', [[1, true]], Date.now())], Date.now());
  for (const m of ['recent', 'stats', 'commands', 'iterate'] as const) h.store.faults.set(m, DISK_IO);
  for (const p of [
    '/api/metrics/recent',
    '/api/metrics/stats',
    '/api/metrics/commands',
    '/api/metrics/export?format=csv',
  ]) {
    const r = await get(`${h.url}${p}`);
    assert.equal(r.status, 503, p);
    assert.equal(r.body.code, 'storage_unavailable', p);
    assert.equal(
      r.body.error,
      'storage_error: reading the stored records failed: disk I/O error (SQLITE_IOERR_READ)',
      p,
    );
  }
  const health = await get(`${h.url}/api/health`);
  assert.equal(health.body.status, 'degraded');
  assert.match(String(health.body.reason), /^reading stored records failed/);

  h.store.faults.clear();
  assert.equal((await get(`${h.url}/api/metrics/recent`)).status, 200);
  assert.equal((await get(`${h.url}/api/health`)).status, 200);
});

test('a bug in a query is still a 500 and leaves health alone', async (t) => {
  const h = await start(t);
  h.store.faults.set('recent', new TypeError('cannot read properties of undefined'));
  const r = await get(`${h.url}/api/metrics/recent`);
  assert.equal(r.status, 500);
  assert.deepEqual(r.body, { error: 'internal error', code: 'internal' });
  assert.equal((await get(`${h.url}/api/health`)).status, 200);
});

test('a data file gone: health unhealthy (503) with the reason, -status says it, records refused', async (t) => {
  const h = await start(t);
  h.store.fileGone = 'data_file /x/d.db was deleted or renamed while patienced ran';
  const r = await get(`${h.url}/api/health`);
  assert.equal(r.status, 503);
  assert.equal(r.body.status, 'unhealthy');
  assert.equal(r.body.reason, h.store.fileGone);
  const status = await sendOne(h.socketPath, { type: 'status' });
  assert.equal((status.daemon as Record<string, unknown>).health, 'unhealthy');
  assert.equal((status.daemon as Record<string, unknown>).health_reason, h.store.fileGone);
  h.store.fileGone = undefined;
  assert.equal((await get(`${h.url}/api/health`)).status, 200);
});

test('a store whose close throws still lets stop() finish', async (t) => {
  const h = await start(t);
  h.store.faults.set('close', DISK_IO);
  await h.daemon.stop();
  assert.match(h.logs(), /closing the store failed/);
});

/** A small tmpfs of its own; the caller unmounts it. */
function smallDisk(dir: string): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const mnt = path.join(dir, 'disk');
  fs.mkdirSync(mnt);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mnt], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return mnt;
}

test('a real SQLite data file on a full disk: the retention timer gets SQLITE_FULL and the daemon lives on, degraded', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'patience-run-'));
  const mnt = smallDisk(dir);
  let daemon: RunningDaemon | undefined;
  try {
    if (mnt === undefined) {
      t.skip('needs root and mount -t tmpfs for a full disk');
      return;
    }
    const dataFile = path.join(mnt, 'd.db');
    // Runs that are already old: retention will want to delete them.
    const seed = openStore({ dataFile, limits: { maxRecords: 1000, maxAgeMs: 1000 * 365 * 24 * HOUR } });
    seed.append(
      Array.from({ length: 50 }, (_, i) => run(`old-${i}`, 'succeeded', [[1, true]], T0 - 48 * HOUR)),
      T0,
    );
    seed.close();

    const sink = logSink();
    let store: Store | undefined;
    daemon = await startServices(settings(dir, { dataFile, metricsMaxAgeMs: 24 * HOUR }), {
      log: sink.log,
      cleanupIntervalMs: 50,
      // Open with retention out of the way, then fill the disk before the first tick.
      openStore: (o) => {
        store = openStore({ ...o, now: () => T0 - 48 * HOUR });
        fillUp(path.join(mnt, 'fill'));
        return store;
      },
    });
    const url = `http://${daemon.httpAddress}`;
    const r = await eventually(
      'health',
      () => get(`${url}/api/health`),
      (x) => x.status === 503,
    );
    assert.equal(r.body.status, 'degraded');
    assert.match(String(r.body.reason), /removing expired records failed: .*SQLITE_FULL/);
    assert.equal(store?.count(), 50, 'nothing removed while the disk is full');

    fs.rmSync(path.join(mnt, 'fill'));
    await eventually(
      'health',
      () => get(`${url}/api/health`),
      (x) => x.status === 200,
    );
    assert.equal(store?.count(), 0);
  } finally {
    await daemon?.stop();
    if (mnt !== undefined) execFileSync('umount', ['-l', mnt], { stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

function fillUp(file: string): void {
  try {
    for (;;) fs.appendFileSync(file, Buffer.alloc(4096));
  } catch {
    // ENOSPC: the disk is full
  }
}

test('max_metrics is one setting under each wire name: status max_metrics, stats max_size, /metrics; near it warns once', async (t) => {
  const h = await start(t, undefined, { maxRecords: 3 });
  const status = await sendOne(h.socketPath, { type: 'status' });
  assert.equal((status.daemon as Record<string, unknown>).max_metrics, 3);
  assert.equal((await get(`${h.url}/api/daemon/stats`)).body.max_size, 3);
  const metrics = await (await fetch(`${h.url}/metrics`)).text();
  assert.match(metrics, /^patience_records_max 3$/m);

  for (let i = 0; i < 2; i++) assert.equal((await sendOne(h.socketPath, RECORD)).status, 'ok');
  assert.doesNotMatch(h.logs(), /storage is near max_metrics/);
  for (let i = 0; i < 3; i++) assert.equal((await sendOne(h.socketPath, RECORD)).status, 'ok');
  const warnings = h
    .logs()
    .split('\n')
    .filter((l) => l.includes('storage is near max_metrics'));
  assert.equal(warnings.length, 1);
  assert.equal((JSON.parse(warnings[0] ?? '{}') as Record<string, unknown>).max_metrics, 3);
  assert.equal(h.daemon.store.count(), 3);
});
