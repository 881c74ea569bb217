import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adaptiveFile, loadOutcomes, saveOutcomes } from './adaptive-store.ts';
import { createLedgerGate, ledgerFile } from './ledger.ts';

function tmp(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'patience-state-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('adaptive outcomes survive between runs, per command, and merge with other runs', async (t) => {
  const dir = tmp(t);
  const file = adaptiveFile(dir, 'curl https://x');
  assert.notEqual(file, adaptiveFile(dir, 'curl https://y'));
  assert.deepEqual(await loadOutcomes(file), []);
  await saveOutcomes(file, 'curl https://x', [{ delayMs: 1000, success: false }]);
  await saveOutcomes(file, 'curl https://x', [{ delayMs: 3000, success: true }]);
  assert.deepEqual(await loadOutcomes(file), [
    { delayMs: 1000, success: false },
    { delayMs: 3000, success: true },
  ]);
  writeFileSync(file, 'not json');
  assert.deepEqual(await loadOutcomes(file), []);
});

test('the ledger admits rate-limit starts per window across concurrent processes', async (t) => {
  const dir = tmp(t);
  const warnings: string[] = [];
  const gates = Array.from({ length: 6 }, () =>
    createLedgerGate({
      stateDir: dir,
      resource: 'api.example.com',
      rateLimit: 4,
      windowMs: 60_000,
      warn: (m) => warnings.push(m),
    }),
  );
  const now = Date.now();
  const claims = await Promise.all(gates.map((g) => g.claim(now)));
  assert.equal(claims.filter((c) => c.ok).length, 4);
  for (const c of claims) if (!c.ok) assert.ok(c.waitUntil > now && c.waitUntil <= now + 60_000);
  const stored = JSON.parse(readFileSync(ledgerFile(dir, 'api.example.com'), 'utf8')) as { starts: number[] };
  assert.equal(stored.starts.length, 4);
  // Once the window has passed, there is room again.
  assert.equal((await gates[0]?.claim(now + 60_001))?.ok, true);
  assert.deepEqual(warnings, []);
});

test('an unusable ledger warns once and lets the run go on', async (t) => {
  const dir = tmp(t);
  const blocker = join(dir, 'file');
  writeFileSync(blocker, '');
  const warnings: string[] = [];
  const gate = createLedgerGate({
    stateDir: blocker,
    resource: 'r',
    rateLimit: 1,
    windowMs: 1000,
    warn: (m) => warnings.push(m),
  });
  assert.deepEqual(await gate.claim(Date.now()), { ok: true });
  assert.deepEqual(await gate.claim(Date.now()), { ok: true });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0] as string, /cannot use the rate-limit ledger/);
});
