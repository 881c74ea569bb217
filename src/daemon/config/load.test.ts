import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, type LoadOptions, type LoadResult } from './load.ts';
import { describeConfig } from './sources.ts';
import { MAX_RECORD_BYTES } from '../../shared/record-fields.ts';

const DEFAULT_PATH = '/test/etc/daemon.json';

function fakeFs(files: Record<string, string>): (path: string) => string {
  return (path) => {
    const text = files[path];
    if (text === undefined)
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: 'ENOENT' });
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
    maxRecords: 10000,
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
    redactPatterns: [],
    allowedHosts: [],
    maxRateLimitResources: 10_000,
  });
  for (const source of Object.values(r.sources)) assert.deepEqual(source, { kind: 'default' });
  assert.ok(Object.isFrozen(r.config));
});

test('every key can be set from the file, env and flags', () => {
  const file = JSON.stringify({
    socket_path: '/f.sock',
    http_port: 1,
    http_host: '0.0.0.0',
    max_metrics: 5,
    metrics_max_age: '1h',
    log_level: 'debug',
    pid_file: '/f.pid',
    enable_http: false,
    enable_profiling: true,
    data_file: '/f.db',
    log_file: '/f.log',
    socket_mode: '0600',
    max_connections: 7,
    max_message_bytes: 2048,
    redact_patterns: ['f-[0-9]+'],
    allowed_hosts: ['Patience.Example', '::1'],
    max_store_bytes: 2_000_000,
    max_rate_limit_resources: 50,
  });
  const fromFile = ok(load([], {}, { [DEFAULT_PATH]: file }));
  assert.equal(fromFile.configFile, DEFAULT_PATH);
  assert.deepEqual(fromFile.config, {
    socketPath: '/f.sock',
    httpPort: 1,
    httpHost: '0.0.0.0',
    maxRecords: 5,
    metricsMaxAgeMs: 3_600_000,
    logLevel: 'debug',
    pidFile: '/f.pid',
    enableHttp: false,
    enableProfiling: true,
    dataFile: '/f.db',
    logFile: '/f.log',
    socketMode: 0o600,
    maxConnections: 7,
    maxMessageBytes: 2048,
    redactPatterns: ['f-[0-9]+'],
    allowedHosts: ['patience.example', '[::1]'],
    maxStoreBytes: 2_000_000,
    maxRateLimitResources: 50,
  });
  for (const source of Object.values(fromFile.sources)) assert.deepEqual(source, { kind: 'file', path: DEFAULT_PATH });

  const env = {
    RETRY_SOCKET_PATH: '/e.sock',
    RETRY_HTTP_PORT: '2',
    RETRY_HTTP_HOST: '::1',
    RETRY_MAX_METRICS: '6',
    RETRY_METRICS_MAX_AGE: '2h',
    RETRY_LOG_LEVEL: 'warn',
    RETRY_PID_FILE: '/e.pid',
    RETRY_ENABLE_HTTP: 'false',
    RETRY_ENABLE_PROFILING: '1',
    RETRY_DATA_FILE: '/e.db',
    RETRY_LOG_FILE: '/e.log',
    RETRY_SOCKET_MODE: '600',
    RETRY_MAX_CONNECTIONS: '8',
    RETRY_MAX_MESSAGE_BYTES: '4096',
    RETRY_REDACT_PATTERNS: 'e-[0-9]+',
    RETRY_ALLOWED_HOSTS: 'a.example, b.example',
    RETRY_MAX_STORE_BYTES: '3000000',
    RETRY_MAX_RATE_LIMIT_RESOURCES: '60',
  };
  const fromEnv = ok(load([], env));
  assert.deepEqual(fromEnv.config, {
    socketPath: '/e.sock',
    httpPort: 2,
    httpHost: '::1',
    maxRecords: 6,
    metricsMaxAgeMs: 7_200_000,
    logLevel: 'warn',
    pidFile: '/e.pid',
    enableHttp: false,
    enableProfiling: true,
    dataFile: '/e.db',
    logFile: '/e.log',
    socketMode: 0o600,
    maxConnections: 8,
    maxMessageBytes: 4096,
    redactPatterns: ['e-[0-9]+'],
    allowedHosts: ['a.example', 'b.example'],
    maxStoreBytes: 3_000_000,
    maxRateLimitResources: 60,
  });
  for (const [field, source] of Object.entries(fromEnv.sources)) assert.equal(source.kind, 'env', field);
  assert.deepEqual(fromEnv.sources.httpPort, { kind: 'env', name: 'RETRY_HTTP_PORT' });

  const argv = [
    '-socket',
    '/g.sock',
    '-port',
    '3',
    '-host',
    'localhost',
    '-max-metrics',
    '9',
    '-max-age',
    '90m',
    '-log-level',
    'error',
    '-pid-file',
    '/g.pid',
    '-enable-http=false',
    '-enable-profiling',
    '-data-file',
    '/g.db',
    '-log-file',
    '/g.log',
    '-socket-mode',
    '0640',
    '-max-connections',
    '10',
    '-max-message-bytes',
    '1024',
    '-redact-patterns',
    'g-[0-9]+',
    '-allowed-hosts',
    '*',
    '-max-store-bytes',
    '4000000',
    '-max-rate-limit-resources',
    '70',
  ];
  const fromFlags = ok(load(argv));
  assert.deepEqual(fromFlags.config, {
    socketPath: '/g.sock',
    httpPort: 3,
    httpHost: 'localhost',
    maxRecords: 9,
    metricsMaxAgeMs: 5_400_000,
    logLevel: 'error',
    pidFile: '/g.pid',
    enableHttp: false,
    enableProfiling: true,
    dataFile: '/g.db',
    logFile: '/g.log',
    socketMode: 0o640,
    maxConnections: 10,
    maxMessageBytes: 1024,
    redactPatterns: ['g-[0-9]+'],
    allowedHosts: ['*'],
    maxStoreBytes: 4_000_000,
    maxRateLimitResources: 70,
  });
  for (const [field, source] of Object.entries(fromFlags.sources)) assert.equal(source.kind, 'flag', field);
  assert.deepEqual(fromFlags.sources.metricsMaxAgeMs, { kind: 'flag', name: '-max-age' });
});

test('precedence: flag > env > file > default, key by key', () => {
  const files = {
    '/c.json': JSON.stringify({ http_port: 1111, max_metrics: 11, log_level: 'debug', enable_http: false }),
  };
  const env = { RETRY_CONFIG: '/c.json', RETRY_HTTP_PORT: '2222', RETRY_MAX_METRICS: '22', RETRY_ENABLE_HTTP: 'true' };
  const r = ok(load(['--port=3333', '-enable-http=false'], env, files));
  assert.equal(r.configFile, '/c.json');
  assert.equal(r.config.httpPort, 3333);
  assert.deepEqual(r.sources.httpPort, { kind: 'flag', name: '-port' });
  assert.equal(r.config.maxRecords, 22);
  assert.deepEqual(r.sources.maxRecords, { kind: 'env', name: 'RETRY_MAX_METRICS' });
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

test('an integer duration under one second warns with the probable intent (metrics_max_age refuses it instead)', () => {
  assert.deepEqual(ok(load([])).warnings, []);
  assert.deepEqual(ok(load([], {}, { [DEFAULT_PATH]: '{"metrics_max_age": 3600000000000}' })).warnings, []);
  assert.match(
    error(load([], {}, { [DEFAULT_PATH]: '{"metrics_max_age": 999999999}' })),
    /^invalid metrics_max_age 999999999 .*999\.999999ms/,
  );
});

test('allowed_hosts: canonical names, duplicates dropped, empty entries ignored', () => {
  assert.deepEqual(ok(load(['-allowed-hosts', 'Box.LAN,,box.lan.,[::1],0x7f.1, '])).config.allowedHosts, [
    'box.lan',
    '[::1]',
    '127.0.0.1',
  ]);
  assert.deepEqual(ok(load(['-allowed-hosts='])).config.allowedHosts, []);
  assert.equal(
    describeConfig(ok(load(['-allowed-hosts', 'a.example,b.example'])).config, ok(load([])).sources).find(
      (r) => r.key === 'allowed_hosts',
    )?.value,
    'a.example,b.example',
  );
});

test('bad values name the key, the value and the source', () => {
  const cases: Array<[string[], Record<string, string>, Record<string, string>, string]> = [
    [[], { RETRY_HTTP_PORT: '80x' }, {}, 'invalid http_port "80x" from RETRY_HTTP_PORT: must be an integer 0..65535'],
    [['-port', '70000'], {}, {}, 'invalid http_port "70000" from flag -port: must be an integer 0..65535'],
    [
      [],
      {},
      { [DEFAULT_PATH]: '{"http_port": "8080"}' },
      `invalid http_port "8080" from config file ${DEFAULT_PATH}: must be an integer 0..65535`,
    ],
    [['-max-metrics=0'], {}, {}, 'invalid max_metrics "0" from flag -max-metrics: must be an integer >= 1'],
    [
      [],
      { RETRY_MAX_CONNECTIONS: '0x10' },
      {},
      'invalid max_connections "0x10" from RETRY_MAX_CONNECTIONS: must be an integer >= 1',
    ],
    [
      ['--max-message-bytes', '1023'],
      {},
      {},
      'invalid max_message_bytes "1023" from flag -max-message-bytes: must be an integer >= 1024',
    ],
    [
      [],
      { RETRY_MAX_STORE_BYTES: '1000' },
      {},
      'invalid max_store_bytes "1000" from RETRY_MAX_STORE_BYTES: must be an integer >= 1048576',
    ],
    [
      ['-max-age', '1d'],
      {},
      {},
      'invalid metrics_max_age "1d" from flag -max-age: must be a duration such as 24h, 90m, 1h30m or 500ms',
    ],
    [
      [],
      { RETRY_METRICS_MAX_AGE: '0s' },
      {},
      'invalid metrics_max_age "0s" from RETRY_METRICS_MAX_AGE: must be greater than 0',
    ],
    [
      [],
      {},
      { [DEFAULT_PATH]: '{"metrics_max_age": 0}' },
      `invalid metrics_max_age 0 from config file ${DEFAULT_PATH}: must be greater than 0`,
    ],
    [
      ['-enable-http=maybe'],
      {},
      {},
      'invalid enable_http "maybe" from flag -enable-http: must be true or false (or 1, 0, t, f)',
    ],
    [
      [],
      { RETRY_ENABLE_PROFILING: 'yes' },
      {},
      'invalid enable_profiling "yes" from RETRY_ENABLE_PROFILING: must be true or false (or 1, 0, t, f)',
    ],
    [
      [],
      {},
      { [DEFAULT_PATH]: '{"enable_http": "true"}' },
      `invalid enable_http "true" from config file ${DEFAULT_PATH}: must be true or false (a JSON boolean)`,
    ],
    [
      ['-log-level', 'verbose'],
      {},
      {},
      'invalid log_level "verbose" from flag -log-level: must be one of debug, info, warn, error',
    ],
    [
      [],
      { RETRY_SOCKET_MODE: '0999' },
      {},
      'invalid socket_mode "0999" from RETRY_SOCKET_MODE: must be an octal file mode 0..0777 written as a string, such as "0660" or "0600"',
    ],
    [
      [],
      {},
      { [DEFAULT_PATH]: '{"socket_mode": 660}' },
      `invalid socket_mode 660 from config file ${DEFAULT_PATH}: must be an octal file mode 0..0777 written as a string, such as "0660" or "0600"`,
    ],
    [['-socket='], {}, {}, 'invalid socket_path "" from flag -socket: must not be empty'],
    [
      [],
      {},
      { [DEFAULT_PATH]: '{"pid_file": 5}' },
      `invalid pid_file 5 from config file ${DEFAULT_PATH}: must be a string`,
    ],
    [
      ['-host', '999.1.1.1'],
      {},
      {},
      'invalid http_host "999.1.1.1" from flag -host: 999 is not an IPv4 address byte (0..255); give an address of this host such as 127.0.0.1',
    ],
    [
      [],
      { RETRY_HTTP_HOST: '127.0.0.1:8080' },
      {},
      'invalid http_host "127.0.0.1:8080" from RETRY_HTTP_HOST: must not include a port: set http_port (-port) instead',
    ],
    [
      [],
      {},
      { [DEFAULT_PATH]: '{"http_host": "http://localhost"}' },
      `invalid http_host "http://localhost" from config file ${DEFAULT_PATH}: must be an IP address or host name without scheme or path, such as 127.0.0.1`,
    ],
    [
      [],
      {},
      { [DEFAULT_PATH]: '{"metrics_max_age": 3600}' },
      `invalid metrics_max_age 3600 from config file ${DEFAULT_PATH}: 3600 is 3.6µs (an integer is nanoseconds, as Go writes it); if you meant 3600 seconds write "1h"`,
    ],
    [['-max-age', '500ms'], {}, {}, 'invalid metrics_max_age "500ms" from flag -max-age: must be at least 1s'],
    [
      ['-allowed-hosts', 'http://evil.example'],
      {},
      {},
      'invalid allowed_hosts "http://evil.example" from flag -allowed-hosts: "http://evil.example" is not a host name: give the name only, without scheme or path',
    ],
    [
      [],
      { RETRY_ALLOWED_HOSTS: 'ok.example,box.lan:8080' },
      {},
      'invalid allowed_hosts "ok.example,box.lan:8080" from RETRY_ALLOWED_HOSTS: "box.lan:8080" holds a port: give the name only (any port is accepted)',
    ],
    [
      [],
      {},
      { [DEFAULT_PATH]: '{"allowed_hosts": "a.example"}' },
      `invalid allowed_hosts "a.example" from config file ${DEFAULT_PATH}: must be a list of host names such as patience.example.com (comma-separated in env and flags, a JSON array in the file), or "*" for any`,
    ],
    [
      [],
      {},
      { [DEFAULT_PATH]: '{"allowed_hosts": ["bad name"]}' },
      `invalid allowed_hosts ["bad name"] from config file ${DEFAULT_PATH}: "bad name" is not a host name or IP address`,
    ],
  ];
  for (const [argv, env, files, expected] of cases) assert.equal(error(load(argv, env, files)), expected);
});

test('every bad value is reported, even one a higher layer overrides', () => {
  const msg = error(load(['-port', '1'], { RETRY_HTTP_PORT: 'x', RETRY_LOG_LEVEL: 'loud' }));
  assert.equal(
    msg,
    [
      'invalid http_port "x" from RETRY_HTTP_PORT: must be an integer 0..65535',
      'invalid log_level "loud" from RETRY_LOG_LEVEL: must be one of debug, info, warn, error',
    ].join('\n'),
  );
});

test('config file problems', () => {
  assert.equal(
    error(load([], {}, { [DEFAULT_PATH]: '{"htp_port": 1}' })),
    `unknown key "htp_port" in config file ${DEFAULT_PATH} (did you mean "http_port"?)`,
  );
  assert.match(
    error(load([], {}, { [DEFAULT_PATH]: '{"colour": 1}' })),
    /^unknown key "colour" in config file .* \(known keys: socket_path, http_port, /,
  );
  const bad = error(load([], {}, { [DEFAULT_PATH]: '{\n  "http_port": 1\n  "max_metrics": 2\n}' }));
  assert.match(bad, new RegExp(`^invalid JSON in config file ${DEFAULT_PATH}: .*line 3, column 3`));
  assert.match(error(load([], {}, { [DEFAULT_PATH]: '[1]' })), /must hold a JSON object of settings, not an array/);
  assert.equal(error(load(['-config', '/nope.json'])), 'config file /nope.json (given by flag -config) does not exist');
  assert.equal(
    error(load([], { RETRY_CONFIG: '/nope.json' })),
    'config file /nope.json (given by RETRY_CONFIG) does not exist',
  );
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
  // Not "unexpected argument X": the value of -max-age is what is missing.
  assert.equal(
    error(load(['-max-age', '-socket', 'X'])),
    'flag needs an argument: -max-age (the next argument, "-socket", is a flag; write -max-age=VALUE for a value that starts with a dash) (run \'patienced -h\' for usage)',
  );
  assert.match(
    error(load(['--host', '--port=1'])),
    /^flag needs an argument: --host \(the next argument, "--port=1", is a flag/,
  );
  assert.match(
    error(load(['-max-age', '-1h'])),
    /^invalid metrics_max_age "-1h" from flag -max-age: must be greater than 0/,
    'a negative number is a value, not a flag',
  );
  assert.equal(ok(load(['-socket=-odd.sock'])).config.socketPath, '-odd.sock');
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

test('-install-service and -uninstall-service read no config and take no other flags', () => {
  const broken = { [DEFAULT_PATH]: '{broken' };
  assert.deepEqual(load(['-install-service'], {}, broken), { kind: 'service', action: 'install-service' });
  assert.deepEqual(load(['--uninstall-service'], { RETRY_HTTP_PORT: 'x' }, broken), {
    kind: 'service',
    action: 'uninstall-service',
  });
  assert.deepEqual(load(['-install-service', '-daemon=false']), { kind: 'service', action: 'install-service' });
  assert.equal(ok(load(['-install-service=false'])).action, 'run');
  assert.equal(
    error(load(['-install-service', '-port', '9090', '-config', '/x.json'])),
    '-install-service takes no other flags (got -port, -config): the service reads PREFIX/etc/retry/daemon.json, ' +
      'and PREFIX and DESTDIR are environment variables',
  );
  assert.match(
    error(load(['-install-service', '-uninstall-service'])),
    /^flags -install-service and -uninstall-service cannot be used together: choose one$/,
  );
  assert.match(error(load(['-stop', '-uninstall-service'])), /-stop and -uninstall-service cannot be used together/);
  assert.equal(load(['-uninstall-service', '-h']).kind, 'help');
});

test('describeConfig reports each key with its value and source', () => {
  const r = ok(load(['-port', '9090'], { RETRY_SOCKET_MODE: '0600' }));
  const rows = describeConfig(r.config, r.sources);
  assert.equal(rows.length, Object.keys(r.config).length);
  assert.deepEqual(
    rows.find((row) => row.key === 'http_port'),
    {
      key: 'http_port',
      value: '9090',
      source: { kind: 'flag', name: '-port' },
      from: 'flag -port',
    },
  );
  assert.equal(rows.find((row) => row.key === 'socket_mode')?.from, 'RETRY_SOCKET_MODE');
  assert.equal(rows.find((row) => row.key === 'socket_mode')?.value, '0600');
  assert.equal(rows.find((row) => row.key === 'data_file')?.value, '');
});

test('redact_patterns: a JSON array in the file, a JSON array or lines in env and flag', () => {
  const file = ok(
    load([], {}, { [DEFAULT_PATH]: '{"redact_patterns": ["corp-[A-Za-z0-9]{32}", "--db-pass (\\\\S+)"]}' }),
  );
  assert.deepEqual(file.config.redactPatterns, ['corp-[A-Za-z0-9]{32}', '--db-pass (\\S+)']);
  assert.equal(
    describeConfig(file.config, file.sources).find((row) => row.key === 'redact_patterns')?.value,
    '["corp-[A-Za-z0-9]{32}","--db-pass (\\\\S+)"]',
  );
  assert.deepEqual(ok(load([], { RETRY_REDACT_PATTERNS: '["a-[0-9]+"]' })).config.redactPatterns, ['a-[0-9]+']);
  assert.deepEqual(ok(load([], { RETRY_REDACT_PATTERNS: 'a-[0-9]+\r\n\n(?i)b-[0-9]+\n' })).config.redactPatterns, [
    'a-[0-9]+',
    '(?i)b-[0-9]+',
  ]);
  assert.deepEqual(ok(load(['-redact-patterns', 'x-[0-9]{4}'])).config.redactPatterns, ['x-[0-9]{4}']);
  assert.deepEqual(ok(load([], {}, { [DEFAULT_PATH]: '{"redact_patterns": []}' })).config.redactPatterns, []);
});

test('redact_patterns: unsafe or invalid patterns exit 2 naming the key, the index and the pattern', () => {
  const cases: Array<[string, RegExp]> = [
    [
      '["ok-[0-9]+", "(a+)+"]',
      /^invalid redact_patterns .* from config file .*: redact_patterns\[1\] "\(a\+\)\+" repeats a group that holds a quantifier/,
    ],
    ['["(a|b)*"]', /redact_patterns\[0\] "\(a\|b\)\*" repeats a group/],
    ['["(x)\\\\1"]', /redact_patterns\[0\] "\(x\)\\\\1" uses a backreference/],
    ['["(?=x)y"]', /redact_patterns\[0\] "\(\?=x\)y" uses a lookahead or lookbehind/],
    ['["(?<!x)y"]', /uses a lookahead or lookbehind/],
    ['["[a-z]+="]', /redact_patterns\[0\] "\[a-z\]\+=" has an unbounded repetition .* not the last part/],
    ['["["]', /redact_patterns\[0\] "\[" is not a valid JavaScript regular expression/],
    ['[""]', /redact_patterns\[0\] "" is empty/],
    ['"x"', /must be an array of strings/],
    ['[1]', /must be an array of strings/],
    [JSON.stringify(['a'.repeat(257)]), /is longer than 256 characters/],
    [JSON.stringify(Array.from({ length: 33 }, (_, i) => `p${i}`)), /holds 33 patterns, at most 32/],
  ];
  for (const [json, want] of cases)
    assert.match(error(load([], {}, { [DEFAULT_PATH]: `{"redact_patterns": ${json}}` })), want, json);
  assert.match(
    error(load([], { RETRY_REDACT_PATTERNS: 'ok-1\n\\S+x' })),
    /^invalid redact_patterns "ok-1\\n\\\\S\+x" from RETRY_REDACT_PATTERNS: redact_patterns\[1\] "\\\\S\+x" has an unbounded/,
  );
  assert.match(error(load([], { RETRY_REDACT_PATTERNS: '[broken' })), /starts with "\[" but is not a JSON array/);
  assert.match(
    error(load(['-redact-patterns', '(a*)*'])),
    /from flag -redact-patterns: redact_patterns\[0\] "\(a\*\)\*" repeats a group/,
  );
});
