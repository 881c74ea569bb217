// --debug-config through main(): each setting with its source, nothing run or reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, type CliMainDeps } from './main.ts';

function setUp(t: { after(fn: () => void): void }, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'patience-debug-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const seen = { stdout: '', stderr: '', ran: 0, sent: 0 };
  const deps: Partial<CliMainDeps> = {
    env: { XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state'), ...env },
    cwd: dir,
    stdout: { write: (s: string) => (seen.stdout += s) },
    stderr: { write: (s: string) => (seen.stderr += s) },
    run() {
      seen.ran++;
      throw new Error('--debug-config must run nothing');
    },
    send: async () => {
      seen.sent++;
    },
  };
  return { dir, deps, seen };
}

/** The row of one setting: its value and source, split on the column gaps. */
function row(out: string, key: string): string[] {
  const line = out.split('\n').find((l) => l.startsWith(`  ${key} `));
  assert.ok(line, `no row for ${key} in:\n${out}`);
  return line.trim().split(/\s{2,}/);
}

test('each setting names its source: default, file and line, env var, flag; nothing runs', async (t) => {
  const { dir, deps, seen } = setUp(t, { PATIENCE_TIMEOUT: '30s', RETRY_SOCKET_PATH: '/run/p.sock' });
  const file = join(dir, '.patience.toml');
  writeFileSync(file, 'attempts = 5\n\n[exponential]\nbase_delay = "500ms"\n');
  const code = await main(
    ['exponential', '-m', '20s', '--label', 'env=prod', '--label', 'team=web', '--debug-config', '--', 'true'],
    deps,
  );
  assert.equal(code, 0);
  const out = seen.stdout;
  assert.deepEqual(row(out, 'attempts'), ['attempts', '5', `file ${file} line 1 (attempts)`]);
  assert.deepEqual(row(out, 'base-delay'), ['base-delay', '500ms', `file ${file} line 4 (exponential.base_delay)`]);
  assert.deepEqual(row(out, 'timeout'), ['timeout', '30s', 'env PATIENCE_TIMEOUT']);
  assert.deepEqual(row(out, 'max-delay'), ['max-delay', '20s', 'flag --max-delay']);
  assert.deepEqual(row(out, 'multiplier'), ['multiplier', '2.0', 'default']);
  assert.deepEqual(row(out, 'quiet'), ['quiet', 'false', 'default']);
  assert.deepEqual(row(out, 'success-pattern'), ['success-pattern', '(not set)']);
  const labels = out.split('\n').filter((l) => l.startsWith('  label '));
  assert.deepEqual(
    labels.map((l) => l.trim().split(/\s{2,}/)),
    [
      ['label', 'env=prod', 'flag --label'],
      ['label', 'team=web', 'flag --label'],
    ],
  );
  assert.match(out, new RegExp(`^Config file: ${file.replaceAll('.', '\\.')}$`, 'm'));
  assert.match(out, /^Reports to: \/run\/p\.sock \(env RETRY_SOCKET_PATH\)$/m);
  assert.match(out, /^Command: true$/m);
  assert.equal(seen.ran, 0);
  assert.equal(seen.sent, 0);
  assert.equal(seen.stderr, '');
});

test('a flag beats the env var, which beats the file; the strategy table beats the top level', async (t) => {
  const { dir, deps, seen } = setUp(t, { PATIENCE_ATTEMPTS: '7' });
  writeFileSync(join(dir, 'patience.toml'), 'attempts = 5\ntimeout = "1s"\n[fixed]\ntimeout = "2s"\n');
  assert.equal(await main(['fixed', '--debug-config', '-a', '9'], deps), 0);
  assert.deepEqual(row(seen.stdout, 'attempts'), ['attempts', '9', 'flag --attempts']);
  assert.deepEqual(row(seen.stdout, 'timeout').slice(0, 2), ['timeout', '2s']);
  assert.match(row(seen.stdout, 'timeout')[2] ?? '', /line 4 \(fixed\.timeout\)$/);
});

test('without a command it still prints; a bad value is still the usage error naming its source', async (t) => {
  const { deps, seen } = setUp(t, { PATIENCE_ATTEMPTS: 'many' });
  assert.equal(await main(['fixed', '--debug-config'], deps), 2);
  assert.match(seen.stderr, /invalid value for PATIENCE_ATTEMPTS/);
  const ok = setUp(t);
  assert.equal(await main(['fixed', '--debug-config'], ok.deps), 0);
  assert.match(ok.seen.stdout, /^Command: \(none given\)$/m);
  assert.match(ok.seen.stdout, /^Config file: none \(looked for/m);
  assert.match(ok.seen.stdout, /^Reports to: \/tmp\/retry-daemon\.sock \(default/m);
});

test('credentials in the command and labels are shown redacted; --no-report says nothing is reported', async (t) => {
  const { deps, seen } = setUp(t);
  const code = await main(
    ['fixed', '--debug-config', '--no-report', '--label', 'token=abc123secret', '--', 'curl', '-u', 'me:hunter2', 'x'],
    deps,
  );
  assert.equal(code, 0);
  assert.doesNotMatch(seen.stdout, /hunter2|abc123secret/);
  assert.match(seen.stdout, /^Reports to: nothing \(--no-report\)$/m);
  assert.deepEqual(row(seen.stdout, 'no-report'), ['no-report', 'true', 'flag --no-report']);
});
