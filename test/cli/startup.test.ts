// CLI start-up (docs/performance.md, CLI start-up): a run loads no built-in module it does
// not need. Each of these cost milliseconds on every run when it was loaded eagerly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, sandbox } from './helpers.ts';

/** Built-ins a plain run must not load: node:crypto alone pulled in some 25 internal modules. */
const UNNEEDED = ['crypto', 'fs/promises', 'http', 'https', 'http2', 'tls', 'zlib', 'readline', 'worker_threads'];

test('a plain run loads no built-in module it does not need', (t) => {
  const sb = sandbox(t);
  const preload = join(sb.dir, 'loaded.cjs');
  const list = join(sb.dir, 'loaded.json');
  writeFileSync(
    preload,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(list)}, JSON.stringify(process.moduleLoadList)));`,
  );
  const r = spawnSync(process.execPath, ['-r', preload, BIN, 'fixed', '-a', '1', '--', 'true'], {
    env: sb.env,
    cwd: sb.dir,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  const loaded = new Set(JSON.parse(readFileSync(list, 'utf8')) as string[]);
  assert.ok(loaded.has('NativeModule child_process'), 'the list is the run’s own');
  const extra = UNNEEDED.filter((name) => loaded.has(`NativeModule ${name}`));
  assert.deepEqual(extra, [], `a plain run loaded ${extra.join(', ')}`);
});
