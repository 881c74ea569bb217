// Durability: a run that append() acknowledged is on disk even when the process is
// killed with SIGKILL right afterwards (no close, no checkpoint, no exit handlers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from './index.ts';
import { NO_LIMITS } from './test-support.ts';
// The store's figures as the API shows them (src/http/wire/stats.ts), so that these tests also pin the wire values.
import { toApiStats } from '../http/wire/stats.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/append-until-killed.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the fixture until it has printed `lines` lines, SIGKILLs it, returns the ids it printed. */
function appendThenKill(file: string, mode: 'once' | 'forever', lines: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, file, mode], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!killed && out.split('\n').length > lines) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`fixture exited with ${code}: ${err}`));
      // Only whole lines: a line is printed after its append returned.
      const complete = out.slice(0, out.lastIndexOf('\n'));
      resolve(complete.split(/\s+/).filter(Boolean).map(Number));
    });
  });
}

for (const [mode, lines] of [
  ['once', 1],
  ['forever', 40],
] as const) {
  test(`sqlite: every acknowledged id survives SIGKILL (${mode})`, { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patience-crash-'));
    try {
      const file = join(dir, 'runs.db');
      const acked = await appendThenKill(file, mode, lines);
      assert.ok(acked.length >= 3 * lines, `the child acknowledged ${acked.length} ids`);
      const store = openStore({ dataFile: file, limits: NO_LIMITS });
      try {
        const present = new Set([...store.iterate()].map((r) => r.id));
        const missing = acked.filter((id) => !present.has(id));
        assert.deepEqual(missing, [], 'acknowledged ids missing after SIGKILL');
        assert.equal(toApiStats(store.stats(0, 8.64e15)).total_runs, store.count());
        const next =
          store.append(
            store.recent({ limit: 1 }).runs.map((r) => r.record),
            0,
          )[0]?.id ?? 0;
        assert.ok(next > Math.max(...acked), 'ids continue after the crash');
      } finally {
        store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
