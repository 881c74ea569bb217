// Configuration (docs/cli.md §7) with real files: where it is found, precedence, and errors
// that name the file, the key and the line, or the option.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { patience, sandbox, type Sandbox } from './helpers.ts';

/** How many attempts a dry run plans, which shows the effective --attempts. */
async function attempts(sb: Sandbox, args: string[], env: Record<string, string> = {}): Promise<number> {
  const r = await patience(sb, ['fixed', ...args, '--dry-run', '--', 'true'], { env });
  assert.equal(r.code, 0, r.stderr);
  return Number(/up to (\d+) attempt/.exec(r.stdout.toString())?.[1]);
}

test('file lookup: --config, ./.patience.toml, ./patience.toml, then $XDG_CONFIG_HOME/patience/config.toml', async (t) => {
  const sb = sandbox(t);
  assert.equal(await attempts(sb, []), 3);
  mkdirSync(join(sb.configDir, 'patience'));
  writeFileSync(join(sb.configDir, 'patience', 'config.toml'), 'attempts = 4\n');
  assert.equal(await attempts(sb, []), 4);
  writeFileSync(join(sb.dir, 'patience.toml'), 'attempts = 5\n');
  assert.equal(await attempts(sb, []), 5);
  writeFileSync(join(sb.dir, '.patience.toml'), 'attempts = 6\n');
  assert.equal(await attempts(sb, []), 6);
  writeFileSync(join(sb.dir, 'other.toml'), 'attempts = 7\n');
  assert.equal(await attempts(sb, ['--config', 'other.toml']), 7);
});

test('precedence: defaults < file < env < flags, for a strategy table too', async (t) => {
  const sb = sandbox(t);
  writeFileSync(join(sb.dir, '.patience.toml'), 'attempts = 5\n[fixed]\ndelay = "250ms"\n');
  assert.equal(await attempts(sb, []), 5);
  assert.equal(await attempts(sb, [], { PATIENCE_ATTEMPTS: '6' }), 6);
  assert.equal(await attempts(sb, ['-a', '7'], { PATIENCE_ATTEMPTS: '6' }), 7);
  const r = await patience(sb, ['fixed', '--dry-run', '--', 'true']);
  assert.match(r.stdout.toString(), /attempt 2: after 0\.25s/);
  const flag = await patience(sb, ['fixed', '-d', '2s', '--dry-run', '--', 'true']);
  assert.match(flag.stdout.toString(), /attempt 2: after 2s/);
});

test('the file’s patterns, timeout and quiet apply to a real run', async (t) => {
  const sb = sandbox(t);
  writeFileSync(
    join(sb.dir, '.patience.toml'),
    'quiet = true\nsuccess_pattern = "(?i)READY"\n[fixed]\ndelay = "10ms"\n',
  );
  const r = await patience(sb, ['fixed', '--', 'sh', '-c', 'echo ready; exit 9']);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '');
});

test('bad inputs: one line naming the file, key and line, or the option; exit 2; nothing runs', async (t) => {
  const sb = sandbox(t);
  const marker = join(sb.dir, 'ran');
  const cases: Array<[string | undefined, string[], Record<string, string>, RegExp]> = [
    [
      'attempts = 3\n\nattemps = 4\n',
      [],
      {},
      /^patience: unknown key 'attemps' in \S+\.patience\.toml line 3: not a patience option\n$/,
    ],
    ['timeout = "10"\n', [], {}, /^patience: invalid value for timeout in \S+ line 1: "10" has no unit/],
    [
      'attempts = "many"\n',
      [],
      {},
      /^patience: invalid value for attempts in \S+ line 1: must be a whole number, got "many"\n$/,
    ],
    [
      '[fixed]\ndelay = true\n',
      [],
      {},
      /^patience: invalid value for fixed.delay in \S+ line 2: must be a duration string/,
    ],
    [
      '[exponential]\nmultiplier = 0\n',
      [],
      {},
      /^patience: invalid value for exponential.multiplier in \S+ line 2: must be greater than 0/,
    ],
    [
      'failure_pattern = "\\\\C"\n',
      [],
      {},
      /^patience: invalid value for failure_pattern in \S+ line 1: \\C \(any byte\)/,
    ],
    ['attempts = [\n', [], {}, /^patience: \S+ line \d+: invalid TOML/],
    [undefined, ['-a', '1001'], {}, /^patience: invalid value for --attempts: must be from 1 to 1000, got 1001\n$/],
    [undefined, ['-d', '3'], {}, /^patience: invalid value for --delay: "3" has no unit/],
    [undefined, ['--success-pattern', '(?U)x'], {}, /^patience: invalid value for --success-pattern: \(\?U\)/],
    [
      undefined,
      ['--success-pattern', 'a(b'],
      {},
      /^patience: invalid value for --success-pattern: invalid regular expression/,
    ],
    [
      undefined,
      [],
      { PATIENCE_MAX_TIME: 'soon' },
      /^patience: invalid value for PATIENCE_MAX_TIME: "soon" is not a duration/,
    ],
    [
      undefined,
      ['--config', 'missing.toml'],
      {},
      /^patience: cannot read config file \S+missing\.toml: no such file\n$/,
    ],
  ];
  for (const [toml, args, env, want] of cases) {
    if (toml === undefined) writeFileSync(join(sb.dir, '.patience.toml'), '');
    else writeFileSync(join(sb.dir, '.patience.toml'), toml);
    const r = await patience(sb, ['fixed', ...args, '--', 'touch', marker], { env });
    assert.equal(r.code, 2, `${toml ?? args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, want);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  const bad = await patience(sb, ['dio', '-o', '0,1h,10m', '--', 'touch', marker]);
  assert.match(bad.stderr, /--retry-offsets: offsets must be in ascending order/);
  assert.equal(existsSync(marker), false);
});
