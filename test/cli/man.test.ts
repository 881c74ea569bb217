// The man pages the build writes (dist/man/), as man(1) renders them: no warning from the
// formatter, and the sections and options a reader looks for. scripts/ci.sh installs man.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { OPTIONS } from '../../src/cli/options.ts';
import { FIELDS, KEYS } from '../../src/daemon/config/schema.ts';
import { STRATEGY_NAMES } from '../../src/retry/strategies/index.ts';
import { run } from '../helpers/service.ts';

const MAN = fileURLToPath(new URL('../../dist/man/', import.meta.url));

/** The page as `man` shows it on an 80-column terminal; warnings on stderr fail the test. */
async function render(page: string, locale: string): Promise<string> {
  const r = await run('man', ['--warnings', '-l', `${MAN}${page}`], {
    env: { MANWIDTH: '80', LC_ALL: locale, MANPAGER: 'cat', PAGER: 'cat' },
  });
  assert.equal(r.stderr, '', `${page} (${locale}): the formatter warned`);
  assert.equal(r.code, 0);
  // Bold and underline come as overstrikes when the output is not a terminal.
  return r.stdout.replace(/.\x08/g, '');
}

test('patience(1) renders without warnings, with its sections, strategies and options', async () => {
  for (const locale of ['C', 'C.UTF-8']) {
    const text = await render('patience.1', locale);
    for (const section of [
      'NAME',
      'SYNOPSIS',
      'DESCRIPTION',
      'STRATEGIES',
      'OPTIONS',
      'COMMANDS',
      'ENVIRONMENT',
      'FILES',
      'EXIT STATUS',
      'EXAMPLES',
      'SEE ALSO',
    ])
      assert.match(text, new RegExp(`^${section}$`, 'm'), section);
    assert.match(text, /^PATIENCE\(1\) +User Commands +PATIENCE\(1\)$/m);
    assert.match(text, /patience - run a command until it succeeds/);
    for (const s of STRATEGY_NAMES) assert.match(text, new RegExp(`^   ${s} \\(alias`, 'm'), s);
    for (const o of OPTIONS) assert.ok(text.includes(`--${o.key}`), `--${o.key}`);
    assert.match(text, /-a, --attempts N\n +maximum attempts, 1\.\.1000\. Default: 3\. Env: PATIENCE_ATTEMPTS\./);
    assert.match(text, /PATIENCE_DAEMON_URL/);
    assert.match(text, /patience completion bash/);
  }
});

test('patienced(8) renders without warnings, with every flag, its default and env var', async () => {
  for (const locale of ['C', 'C.UTF-8']) {
    const text = await render('patienced.8', locale);
    for (const section of [
      'NAME',
      'SYNOPSIS',
      'OPTIONS',
      'ENVIRONMENT',
      'FILES',
      'SIGNALS',
      'HTTP API',
      'EXIT STATUS',
      'SEE ALSO',
    ])
      assert.match(text, new RegExp(`^${section}$`, 'm'), section);
    assert.match(text, /^PATIENCED\(8\) +System Administration +PATIENCED\(8\)$/m);
    for (const f of FIELDS) {
      assert.match(text, new RegExp(`^ {7}-${KEYS[f].flag}\\b`, 'm'), KEYS[f].flag);
      assert.ok(text.includes(KEYS[f].env), KEYS[f].env);
    }
    assert.match(text, /-port int\n +HTTP server port\. Default: 8080\./);
    assert.match(text, /SIGHUP/);
    assert.match(text, /GET \/api\/metrics\/recent/);
  }
});
