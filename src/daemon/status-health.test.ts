// -status repeats a storage fault that /api/health reports (the daemon's socket answer carries it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { showStatus } from './control.ts';
import { KEYS, type DaemonConfig } from './config/index.ts';
import type { DaemonStatus } from './status-request.ts';
import { fakeProbe } from './test-support.ts';

const STATUS: DaemonStatus = {
  pid: 500,
  version: '9.9.9',
  uptime_seconds: 1,
  socket_path: '/x/d.sock',
  http: '',
  total_metrics: 1,
  max_metrics: 10,
  storage: '/x/d.db',
  profiling: false,
};

async function statusText(status: DaemonStatus): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'status-health-'));
  try {
    const defaults = Object.fromEntries(
      Object.entries(KEYS).map(([f, s]) => [f, s.default]),
    ) as unknown as DaemonConfig;
    const cfg = { ...defaults, pidFile: path.join(dir, 'd.pid'), socketPath: path.join(dir, 'd.sock') };
    let text = '';
    const stdout = new Writable({
      write(c: Buffer, _e, done) {
        text += c.toString();
        done();
      },
    });
    await showStatus(cfg, {
      stdout,
      stderr: stdout,
      pid: 1,
      probe: fakeProbe(new Map()),
      ask: async () => ({ ok: true, via: 'socket', status }),
    });
    return text;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('-status: a storage fault is shown beside the storage line; nothing extra while healthy', async () => {
  assert.match(await statusText({ ...STATUS, health: 'healthy' }), /storage +\/x\/d\.db\n/);
  assert.match(await statusText(STATUS), /storage +\/x\/d\.db\n/);
  const out = await statusText({
    ...STATUS,
    health: 'unhealthy',
    health_reason: 'data_file /x/d.db was deleted or renamed while patienced ran',
  });
  assert.match(
    out,
    /storage +\/x\/d\.db \(unhealthy: data_file \/x\/d\.db was deleted or renamed while patienced ran\)\n/,
  );
});
