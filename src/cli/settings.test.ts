import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, type ParsedArgs } from './args.ts';
import { envEntries, fileEntries, locateKey } from './config.ts';
import { UsageError } from './errors.ts';
import { resolveSettings, type RunSettings } from './settings.ts';

const sink = { write: () => true };
const FILE = '/cfg/patience.toml';

function settings(argv: string[], opts: { toml?: string; env?: Record<string, string> } = {}): RunSettings {
  const args = parseArgs(argv, sink) as Extract<ParsedArgs, { kind: 'run' }>;
  const file = opts.toml === undefined ? undefined : fileEntries(FILE, opts.toml, args.strategy);
  return resolveSettings(args.strategy, args.command, { file, env: envEntries(opts.env ?? {}), flags: args.flags });
}

function usageError(fn: () => unknown, want: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof UsageError && want.test(err.message), String(want));
}

test('defaults per strategy', () => {
  const s = settings(['exp', '--', 'true']);
  assert.deepEqual(
    [s.strategy, s.attempts, s.timeoutMs, s.maxTimeMs, s.report, s.quiet],
    ['exponential', 3, 0, 0, true, false],
  );
  assert.deepEqual([s.params.baseDelayMs, s.params.multiplier, s.params.maxDelayMs], [1000, 2, 60_000]);
  const ha = settings(['ha', 'curl', 'x']);
  assert.deepEqual(
    [ha.params.maxDelayMs, ha.params.fallback, ha.params.fallbackParams.maxDelayMs],
    [1_800_000, 'exponential', 60_000],
  );
  const dio = settings(['dio', 'true']);
  assert.deepEqual([dio.rateLimit, dio.windowMs, dio.params.offsetsMs], [100, 3_600_000, [0, 600_000, 1_800_000]]);
  const ad = settings(['adapt', 'true']);
  assert.deepEqual([ad.params.learningRate, ad.params.memoryWindow], [0.1, 50]);
});

test('precedence: defaults < config file < env vars < flags', () => {
  const toml = 'attempts = 5\ntimeout = "30s"\nmax_time = "5m"\n[exponential]\nbase_delay = "500ms"\nattempts = 6\n';
  const fromFile = settings(['exp', 'true'], { toml });
  assert.deepEqual(
    [fromFile.attempts, fromFile.timeoutMs, fromFile.maxTimeMs, fromFile.params.baseDelayMs],
    [6, 30_000, 300_000, 500],
  );
  const fromEnv = settings(['exp', 'true'], { toml, env: { PATIENCE_ATTEMPTS: '7', PATIENCE_TIMEOUT: '1s' } });
  assert.deepEqual([fromEnv.attempts, fromEnv.timeoutMs, fromEnv.maxTimeMs], [7, 1000, 300_000]);
  const fromFlag = settings(['exp', '-a', '8', '--timeout=2s', 'true'], { toml, env: { PATIENCE_ATTEMPTS: '7' } });
  assert.deepEqual([fromFlag.attempts, fromFlag.timeoutMs], [8, 2000]);
  // Another strategy's table does not apply.
  assert.equal(settings(['fixed', 'true'], { toml }).attempts, 5);
});

test('every PATIENCE_* env var works, for every strategy', () => {
  const env = {
    PATIENCE_ATTEMPTS: '4',
    PATIENCE_TIMEOUT: '3s',
    PATIENCE_MAX_TIME: '1m',
    PATIENCE_SUCCESS_PATTERN: 'ok',
    PATIENCE_FAILURE_PATTERN: 'fatal',
    PATIENCE_CASE_INSENSITIVE: 'true',
    PATIENCE_NO_REPORT: '1',
  };
  for (const strategy of ['ha', 'exp', 'lin', 'fix', 'jit', 'dj', 'fib', 'poly', 'adapt', 'dio']) {
    const s = settings([strategy, 'true'], { env });
    assert.deepEqual([s.attempts, s.timeoutMs, s.maxTimeMs, s.report], [4, 3000, 60_000, false], strategy);
    assert.ok(s.patterns.success?.test('OK') && s.patterns.failure?.test('FATAL'), strategy);
  }
  assert.equal(settings(['fix', 'true'], { env: { PATIENCE_NO_REPORT: 'false' } }).report, true);
  assert.equal(settings(['fix', 'true'], { env: { PATIENCE_ATTEMPTS: '' } }).attempts, 3);
});

test('http-aware: the fallback takes the run’s own base, multiplier and max delay', () => {
  const s = settings(['ha', '-b', '200ms', '-x', '3', '-m', '10s', '-f', 'fib', 'true']);
  assert.deepEqual(s.params.fallbackParams, { baseDelayMs: 200, multiplier: 3, maxDelayMs: 10_000, exponent: 2 });
  assert.equal(s.params.fallback, 'fibonacci');
  assert.equal(s.params.maxDelayMs, 10_000);
});

test('labels from the file and flags; flags win per key', () => {
  const s = settings(['fix', '--label', 'team=ops', '--label', 'env=prod', 'true'], {
    toml: '[labels]\nteam = "dev"\nsite = "eu"\n',
  });
  assert.deepEqual(s.labels, { team: 'ops', site: 'eu', env: 'prod' });
});

test('bad values name the option, the env var, or the file, key and line', () => {
  usageError(
    () => settings(['fix', '-a', '0', 'true']),
    /^invalid value for --attempts: must be from 1 to 1000, got 0$/,
  );
  usageError(() => settings(['fix', '-a', '1001', 'true']), /--attempts: must be from 1 to 1000/);
  usageError(() => settings(['fix', '-a', '2.5', 'true']), /--attempts: must be a whole number/);
  usageError(() => settings(['fix', '-a', '0x10', 'true']), /--attempts: must be a whole number/);
  usageError(() => settings(['fix', '-d', '5', 'true']), /--delay: "5" has no unit/);
  usageError(() => settings(['fix', '-d', '-1s', 'true']), /--delay: must not be negative/);
  usageError(() => settings(['fix', '-t', '1d', 'true']), /--timeout: "1d" is not a duration/);
  usageError(() => settings(['exp', '-x', '0', 'true']), /--multiplier: must be greater than 0/);
  usageError(() => settings(['exp', '-x', 'two', 'true']), /--multiplier: must be a decimal number/);
  usageError(() => settings(['poly', '-e', '-1', 'true']), /--exponent: must not be negative/);
  usageError(
    () => settings(['exp', '-b', '2m', 'true']),
    /--base-delay \(2m\) must not exceed the default --max-delay of 1m/,
  );
  usageError(
    () => settings(['exp', '-b', '2s', '-m', '1s', 'true']),
    /--base-delay \(2s\) must not exceed --max-delay \(1s\)/,
  );
  usageError(() => settings(['ha', '-b', '2m', 'true']), /fallback's default max delay/);
  usageError(() => settings(['adapt', '-r', '0', 'true']), /--learning-rate: must be greater than 0 and at most 1/);
  usageError(() => settings(['adapt', '-r', '1.5', 'true']), /--learning-rate/);
  usageError(() => settings(['adapt', '-w', '10001', 'true']), /--memory-window: must be from 1 to 10000/);
  usageError(() => settings(['adapt', '-f', 'adaptive', 'true']), /--fallback: must be one of/);
  usageError(() => settings(['dio', '-r', '0', 'true']), /--rate-limit: must be greater than 0/);
  usageError(() => settings(['dio', '-w', '0', 'true']), /--window: must be greater than 0/);
  usageError(() => settings(['dio', '-o', '0,30m,10m', 'true']), /--retry-offsets: offsets must be in ascending order/);
  usageError(() => settings(['fix', '--retry-on', '1,abc', 'true']), /--retry-on: "abc" is not an exit code/);
  usageError(() => settings(['fix', '--success-pattern', '(?U)x', 'true']), /--success-pattern: \(\?U\)/);
  usageError(
    () => settings(['fix', '--failure-pattern', '(', 'true']),
    /--failure-pattern: invalid regular expression/,
  );
  usageError(() => settings(['fix', '--label', 'novalue', 'true']), /--label: must be KEY=VALUE/);
  usageError(
    () => settings(['fix', 'true'], { env: { PATIENCE_TIMEOUT: '10' } }),
    /^invalid value for PATIENCE_TIMEOUT: "10" has no unit/,
  );
  usageError(
    () => settings(['fix', 'true'], { env: { PATIENCE_CASE_INSENSITIVE: 'maybe' } }),
    /PATIENCE_CASE_INSENSITIVE: must be true or false/,
  );
  usageError(
    () => settings(['fix', 'true'], { toml: 'timeout = "5s"\n\nattempts = 0\n' }),
    /^invalid value for attempts in \/cfg\/patience.toml line 3: must be from 1 to 1000/,
  );
  usageError(
    () => settings(['fix', 'true'], { toml: 'timeout = 30\n' }),
    /timeout in \/cfg\/patience.toml line 1: must be a duration string such as "30s", got 30/,
  );
  usageError(
    () => settings(['fix', 'true'], { toml: '[exponential]\nmultiplier = -2\n' }),
    /exponential.multiplier in \/cfg\/patience.toml line 2: must be greater than 0/,
  );
});

test('config structure errors name the file, the key and the line', () => {
  const cases: Array<[string, RegExp]> = [
    ['attempts = 3\natempts = 4\n', /^unknown key 'atempts' in \/cfg\/patience.toml line 2: not a patience option$/],
    [
      '[exponential]\ndelay = "1s"\n',
      /unknown key 'exponential.delay' in \/cfg\/patience.toml line 2: exponential has no such option/,
    ],
    ['base_delay = "1s"\n', /unknown key 'base_delay' .* line 1: it belongs in a strategy table/],
    ['[exp]\nbase_delay = "1s"\n', /unknown key 'exp' .* line 1/],
    ['dry_run = true\n', /unknown key 'dry_run'/],
    ['attempts = = 3\n', /^\/cfg\/patience.toml line 1: invalid TOML/],
  ];
  for (const [toml, want] of cases) usageError(() => settings(['fix', 'true'], { toml }), want);
});

test('locateKey finds tables, dotted and quoted keys, and skips multi-line strings', () => {
  const text = [
    '# c',
    'attempts = 3',
    'note = """',
    'timeout = 1',
    '"""',
    '[http-aware]',
    'fallback = "fib"',
    '\'max_delay\' = "1m"',
    'exponential.base_delay = "1s"',
  ].join('\n');
  assert.equal(locateKey(text, ['attempts']), 2);
  assert.equal(locateKey(text, ['timeout']), undefined);
  assert.equal(locateKey(text, ['http-aware', 'fallback']), 7);
  assert.equal(locateKey(text, ['http-aware', 'max_delay']), 8);
  assert.equal(locateKey(text, ['http-aware', 'exponential', 'base_delay']), 9);
  assert.equal(locateKey(text, ['http-aware', 'missing']), 6);
});

test('diophantine daemon options: dioph alias, --daemon-timeout (200ms default, 1ms..60s), --daemon-auto-start, --daemon-socket', () => {
  const d = settings(['dioph', 'true']);
  assert.deepEqual(
    [d.strategy, d.daemon, d.daemonTimeoutMs, d.daemonAutoStart, d.daemonSocket],
    ['diophantine', false, 200, false, undefined],
  );
  const on = settings([
    'dio',
    '--daemon',
    '--daemon-timeout',
    '1.5s',
    '--daemon-auto-start',
    '--daemon-socket',
    '/run/p.sock',
    'true',
  ]);
  assert.deepEqual(
    [on.daemon, on.daemonTimeoutMs, on.daemonAutoStart, on.daemonSocket],
    [true, 1500, true, '/run/p.sock'],
  );
  const fromFile = settings(['dio', 'true'], {
    toml: '[diophantine]\ndaemon = true\ndaemon_timeout = "50ms"\ndaemon_auto_start = true\n',
  });
  assert.deepEqual([fromFile.daemon, fromFile.daemonTimeoutMs, fromFile.daemonAutoStart], [true, 50, true]);
  usageError(() => settings(['dio', '--daemon-timeout', '0', 'true']), /--daemon-timeout: must be from 1ms to 60s/);
  usageError(() => settings(['dio', '--daemon-timeout', '2m', 'true']), /--daemon-timeout: must be from 1ms to 60s/);
  usageError(() => settings(['dio', '--daemon-timeout', '200', 'true']), /--daemon-timeout: "200" has no unit/);
  usageError(() => settings(['dio', '--daemon-socket', '', 'true']), /--daemon-socket: must be a non-empty string/);
  assert.throws(() => settings(['exp', '--daemon-timeout', '1s', 'true']));
});
