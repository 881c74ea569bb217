import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, type LoadOptions, type LoadResult } from './load.ts';
import { describeConfig } from './sources.ts';
import { MAX_RECORD_BYTES } from '../../shared/record-limits.ts';

const DEFAULT_PATH = '/test/etc/daemon.json';

function fakeFs(files: Record<string, string>): (path: string) => string {
  return (path) => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
    return text;
  };
}

function load(argv: string[], env: Record<string, string> = {}, files: Record<string, string> = {}): LoadResult {
  const options: LoadOptions = { argv, env, readFile: fakeFs(files), defaultConfigPath: DEFAULT_PATH };
  return loadConfig(options);
}

function ok(r: LoadResult): Extract<LoadResult, { kind: 'config' }> {
  assert.equal(r.kind, 'config', r.kind === 'error' ? r.message : r.kind);
  return r as Extract<LoadResult, { kind: 'config' }>;
}

function error(r: LoadResult): string {
  assert.equal(r.kind, 'error');
  const e = r as Extract<LoadResult, { kind: 'error' }>;
  assert.equal(e.exitCode, 2);
  return e.message;
}

test('defaults, with no file, env or flags', () => {
  const r = ok(load([]));
  assert.equal(r.action, 'run');
  assert.equal(r.configFile, undefined);
  assert.deepEqual(r.config, {
    socketPath: '/tmp/retry-daemon.sock',
    httpPort: 8080,
    httpHost: '127.0.0.1',
    maxMetrics: 10000,
    metricsMaxAgeMs: 86_400_000,
    logLevel: 'info',
    pidFile: '/tmp/retry-daemon.pid',
    enableHttp: true,
    enableProfiling: false,
    dataFile: undefined,
    logFile: undefined,
    socketMode: 0o660,
    maxConnections: 100,
    maxMessageBytes: MAX_RECORD_BYTES,
    maxStoreBytes: 268_435_456,
  });
  for (const source of Object.values(r.sources)) assert.deepEqual(source, { kind: 'default' });
  assert.ok(Object.isFrozen(r.config));
});

test('every key can be set from the file, env and flags', () => {
  const file = JSON.stringify({
    socket_path: '/f.sock', http_port: 1, http_host: '0.0.0.0', max_metrics: 5, metrics_max_age: '1h',
    log_level: 'debug', pid_file: '/f.pid', enable_http: false, enable_profiling: true, data_file: '/f.db',
    log_file: '/f.log', socket_mode: '0600', max_connections: 7, max_message_bytes: 2048,
    max_store_bytes: 2_000_000,
  });
  const fromFile = ok(load([], {}, { [DEFAULT_PATH]: file }));
  assert.equal(fromFile.configFile, DEFAULT_PATH);
  assert.deepEqual(fromFile.config, {
    socketPath: '/f.sock', httpPort: 1, httpHost: '0.0.0.0', maxMetrics: 5, metricsMaxAgeMs: 3_600_000,
    logLevel: 'debug', pidFile: '/f.pid', enableHttp: false, enableProfiling: true, dataFile: '/f.db',
    logFile: '/f.log', socketMode: 0o600, maxConnections: 7, maxMessageBytes: 2048, maxStoreBytes: 2_000_000,
  });
  for (const source of Object.values(fromFile.sources)) assert.deepEqual(source, { kind: 'file', path: DEFAULT_PATH });

  const env = {
    RETRY_SOCKET_PATH: '/e.sock', RETRY_HTTP_PORT: '2', RETRY_HTTP_HOST: '::1', RETRY_MAX_METRICS: '6',
    RETRY_METRICS_MAX_AGE: '2h', RETRY_LOG_LEVEL: 'warn', RETRY_PID_FILE: '/e.pid', RETRY_ENABLE_HTTP: 'false',
    RETRY_ENABLE_PROFILING: '1', RETRY_DATA_FILE: '/e.db', RETRY_LOG_FILE: '/e.log', RETRY_SOCKET_MODE: '600',
    RETRY_MAX_CONNECTIONS: '8', RETRY_MAX_MESSAGE_BYTES: '4096', RETRY_MAX_STORE_BYTES: '3000000',
  };
  const fromEnv = ok(load([], env));
  assert.deepEqual(fromEnv.config, {
    socketPath: '/e.sock', httpPort: 2, httpHost: '::1', maxMetrics: 6, metricsMaxAgeMs: 7_200_000,
    logLevel: 'warn', pidFile: '/e.pid', enableHttp: false, enableProfiling: true, dataFile: '/e.db',
    logFile: '/e.log', socketMode: 0o600, maxConnections: 8, maxMessageBytes: 4096, maxStoreBytes: 3_000_000,
  });
  for (const [field, source] of Object.entries(fromEnv.sources)) assert.equal(source.kind, 'env', field);
  assert.deepEqual(fromEnv.sources.httpPort, { kind: 'env', name: 'RETRY_HTTP_PORT' });

  const argv = [
    '-socket', '/g.sock', '-port', '3', '-host', 'localhost', '-max-metrics', '9', '-max-age', '90m',
    '-log-level', 'error', '-pid-file', '/g.pid', '-enable-http=false', '-enable-profiling', '-data-file', '/g.db',
    '-log-file', '/g.log', '-socket-mode', '0640', '-max-connections', '10', '-max-message-bytes', '1024', '-max-store-bytes', '4000000',
  ];
  const fromFlags = ok(load(argv));
  assert.deepEqual(fromFlags.config, {
    socketPath: '/g.sock', httpPort: 3, httpHost: 'localhost', maxMetrics: 9, metricsMaxAgeMs: 5_400_000,
    logLevel: 'error', pidFile: '/g.pid', enableHttp: false, enableProfiling: true, dataFile: '/g.db',
    logFile: '/g.log', socketMode: 0o640, maxConnections: 10, maxMessageBytes: 1024, maxStoreBytes: 4_000_000,
  });
  for (const [field, source] of Object.entries(fromFlags.sources)) assert.equal(source.kind, 'flag', field);
  assert.deepEqual(fromFlags.sources.metricsMaxAgeMs, { kind: 'flag', name: '-max-age' });
});

test('precedence: flag > env > file > default, key by key', () => {
  const files = { '/c.json': JSON.stringify({ http_port: 1111, max_metrics: 11, log_level: 'debug', enable_http: false }) };
  const env = { RETRY_CONFIG: '/c.json', RETRY_HTTP_PORT: '2222', RETRY_MAX_METRICS: '22', RETRY_ENABLE_HTTP: 'true' };
  const r = ok(load(['--port=3333', '-enable-http=false'], env, files));
  assert.equal(r.configFile, '/c.json');
  assert.equal(r.config.httpPort, 3333);
  assert.deepEqual(r.sources.httpPort, { kind: 'flag', name: '-port' });
  assert.equal(r.config.maxMetrics, 22);
  assert.deepEqual(r.sources.maxMetrics, { kind: 'env', name: 'RETRY_MAX_METRICS' });
  assert.equal(r.config.logLevel, 'debug');
  assert.deepEqual(r.sources.logLevel, { kind: 'file', path: '/c.json' });
  assert.equal(r.config.enableHttp, false, 'the flag =false beats env true');
  assert.deepEqual(r.sources.enableHttp, { kind: 'flag', name: '-enable-http' });
  assert.equal(r.config.socketPath, '/tmp/retry-daemon.sock');
  assert.deepEqual(r.sources.socketPath, { kind: 'default' });

  const noFlags = ok(load([], env, files));
  assert.equal(noFlags.config.httpPort, 2222);
  assert.equal(noFlags.config.enableHttp, true, 'env beats file');
});

test('empty env vars count as unset; -data-file= clears a file value', () => {
  const files = { [DEFAULT_PATH]: JSON.stringify({ http_port: 1, data_file: '/f.db' }) };
  const r = ok(load([], { RETRY_HTTP_PORT: '', RETRY_DATA_FILE: '' }, files));
  assert.equal(r.config.httpPort, 1);
  assert.equal(r.config.dataFile, '/f.db');
  const cleared = ok(load(['-data-file='], {}, files));
  assert.equal(cleared.config.dataFile, undefined);
  assert.deepEqual(cleared.sources.dataFile, { kind: 'flag', name: '-data-file' });
});

test('config file choice: -config beats RETRY_CONFIG beats the default path', () => {
  const files = {
    '/flag.json': '{"http_port": 1}',
    '/env.json': '{"http_port": 2}',
    [DEFAULT_PATH]: '{"http_port": 3}',
  };
  assert.equal(ok(load(['-config', '/flag.json'], { RETRY_CONFIG: '/env.json' }, files)).config.httpPort, 1);
  assert.equal(ok(load([], { RETRY_CONFIG: '/env.json' }, files)).config.httpPort, 2);
  assert.equal(ok(load([], { RETRY_CONFIG: '' }, files)).config.httpPort, 3);
});

test('metrics_max_age in the file: an integer is nanoseconds, as Go writes it', () => {
  const r = ok(load([], {}, { [DEFAULT_PATH]: '{"metrics_max_age": 43200000000000}' }));
  assert.equal(r.config.metricsMaxAgeMs, 43_200_000);
  assert.equal(describeConfig(r.config, r.sources).find((row) => row.key === 'metrics_max_age')?.value, '12h0m0s');
});

test('bad values name the key, the value and the source', () => {
  const cases: Array<[string[], Record<string, string>, Record<string, string>, string]> = [
    [[], { RETRY_HTTP_PORT: '80x' }, {}, 'invalid http_port "80x" from RETRY_HTTP_PORT: must be an integer 0..65535'],
    [['-port', '70000'], {}, {}, 'invalid http_port "70000" from flag -port: must be an integer 0..65535'],
    [[], {}, { [DEFAULT_PATH]: '{"http_port": "8080"}' }, `invalid http_port "8080" from config file ${DEFAULT_PATH}: must be an integer 0..65535`],
    [['-max-metrics=0'], {}, {}, 'invalid max_metrics "0" from flag -max-metrics: must be an integer >= 1'],
    [[], { RETRY_MAX_CONNECTIONS: '0x10' }, {}, 'invalid max_connections "0x10" from RETRY_MAX_CONNECTIONS: must be an integer >= 1'],
    [['--max-message-bytes', '1023'], {}, {}, 'invalid max_message_bytes "1023" from flag -max-message-bytes: must be an integer >= 1024'],
    [[], { RETRY_MAX_STORE_BYTES: '1000' }, {}, 'invalid max_store_bytes "1000" from RETRY_MAX_STORE_BYTES: must be an integer >= 1048576'],
    [['-max-age', '1d'], {}, {}, 'invalid metrics_max_age "1d" from flag -max-age: must be a duration such as 24h, 90m, 1h30m or 500ms'],
    [[], { RETRY_METRICS_MAX_AGE: '0s' }, {}, 'invalid metrics_max_age "0s" from RETRY_METRICS_MAX_AGE: must be greater than 0'],
    [[], {}, { [DEFAULT_PATH]: '{"metrics_max_age": 0}' }, `invalid metrics_max_age 0 from config file ${DEFAULT_PATH}: must be greater than 0`],
    [['-enable-http=maybe'], {}, {}, 'invalid enable_http "maybe" from flag -enable-http: must be true or false (or 1, 0, t, f)'],
    [[], { RETRY_ENABLE_PROFILING: 'yes' }, {}, 'invalid enable_profiling "yes" from RETRY_ENABLE_PROFILING: must be true or false (or 1, 0, t, f)'],
    [[], {}, { [DEFAULT_PATH]: '{"enable_http": "true"}' }, `invalid enable_http "true" from config file ${DEFAULT_PATH}: must be true or false (a JSON boolean)`],
    [['-log-level', 'verbose'], {}, {}, 'invalid log_level "verbose" from flag -log-level: must be one of debug, info, warn, error'],
    [[], { RETRY_SOCKET_MODE: '0999' }, {}, 'invalid socket_mode "0999" from RETRY_SOCKET_MODE: must be an octal file mode 0..0777 written as a string, such as "0660" or "0600"'],
    [[], {}, { [DEFAULT_PATH]: '{"socket_mode": 660}' }, `invalid socket_mode 660 from config file ${DEFAULT_PATH}: must be an octal file mode 0..0777 written as a string, such as "0660" or "0600"`],
    [['-socket='], {}, {}, 'invalid socket_path "" from flag -socket: must not be empty'],
    [[], {}, { [DEFAULT_PATH]: '{"pid_file": 5}' }, `invalid pid_file 5 from config file ${DEFAULT_PATH}: must be a string`],
  ];
  for (const [argv, env, files, expected] of cases) assert.equal(error(load(argv, env, files)), expected);
});

test('every bad value is reported, even one a higher layer overrides', () => {
  const msg = error(load(['-port', '1'], { RETRY_HTTP_PORT: 'x', RETRY_LOG_LEVEL: 'loud' }));
  assert.equal(msg, [
    'invalid http_port "x" from RETRY_HTTP_PORT: must be an integer 0..65535',
    'invalid log_level "loud" from RETRY_LOG_LEVEL: must be one of debug, info, warn, error',
  ].join('\n'));
});

test('config file problems', () => {
  assert.equal(
    error(load([], {}, { [DEFAULT_PATH]: '{"htp_port": 1}' })),
    `unknown key "htp_port" in config file ${DEFAULT_PATH} (did you mean "http_port"?)`,
  );
  assert.match(error(load([], {}, { [DEFAULT_PATH]: '{"colour": 1}' })), /^unknown key "colour" in config file .* \(known keys: socket_path, http_port, /);
  const bad = error(load([], {}, { [DEFAULT_PATH]: '{\n  "http_port": 1\n  "max_metrics": 2\n}' }));
  assert.match(bad, new RegExp(`^invalid JSON in config file ${DEFAULT_PATH}: .*line 3, column 3`));
  assert.match(error(load([], {}, { [DEFAULT_PATH]: '[1]' })), /must hold a JSON object of settings, not an array/);
  assert.equal(error(load(['-config', '/nope.json'])), 'config file /nope.json (given by flag -config) does not exist');
  assert.equal(error(load([], { RETRY_CONFIG: '/nope.json' })), 'config file /nope.json (given by RETRY_CONFIG) does not exist');
  const denied = loadConfig({
    argv: [],
    env: {},
    defaultConfigPath: DEFAULT_PATH,
    readFile: () => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    },
  });
  assert.equal(error(denied), `cannot read config file ${DEFAULT_PATH}: EACCES: permission denied`);
});

test('flag syntax errors are exit 2 with the usage hint', () => {
  assert.equal(error(load(['-bogus'])), "flag provided but not defined: -bogus (run 'patienced -h' for usage)");
  assert.equal(error(load(['-max-age'])), "flag needs an argument: -max-age (run 'patienced -h' for usage)");
  assert.match(error(load(['start'])), /unexpected argument "start"/);
});

test('actions', () => {
  assert.equal(ok(load(['-daemon'])).action, 'daemon');
  assert.equal(ok(load(['-status'])).action, 'status');
  assert.equal(ok(load(['--stop'])).action, 'stop');
  assert.equal(ok(load(['-daemon=false'])).action, 'run');
  assert.deepEqual(load(['-version'], {}, { [DEFAULT_PATH]: '{broken' }), { kind: 'version', action: 'version' });
  assert.match(error(load(['-status', '-stop'])), /-status and -stop cannot be used together/);
  assert.match(error(load(['-daemon=perhaps'])), /invalid value "perhaps" for flag -daemon/);
  for (const h of ['-h', '-help', '--help', '--h']) {
    const r = load([h, '-port', 'not-checked'], {}, { [DEFAULT_PATH]: '{broken' });
    assert.equal(r.kind, 'help', h);
    if (r.kind === 'help') {
      assert.equal(r.exitCode, 0);
      assert.match(r.text, /^Usage: patienced \[options\]/);
    }
  }
});

test('describeConfig reports each key with its value and source', () => {
  const r = ok(load(['-port', '9090'], { RETRY_SOCKET_MODE: '0600' }));
  const rows = describeConfig(r.config, r.sources);
  assert.equal(rows.length, 15);
  assert.deepEqual(rows.find((row) => row.key === 'http_port'), {
    key: 'http_port', value: '9090', source: { kind: 'flag', name: '-port' }, from: 'flag -port',
  });
  assert.equal(rows.find((row) => row.key === 'socket_mode')?.from, 'RETRY_SOCKET_MODE');
  assert.equal(rows.find((row) => row.key === 'socket_mode')?.value, '0600');
  assert.equal(rows.find((row) => row.key === 'data_file')?.value, '');
});
