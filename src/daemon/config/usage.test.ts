import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usageText } from './usage.ts';
import { FIELDS, KEYS } from './schema.ts';
import { MAX_RECORD_BYTES } from '../../shared/record-fields.ts';

// Copied verbatim from the original daemon's documented "Command Line Options" block.
const SEED = `Usage: patienced [options]

Options:
  -config string
        Configuration file path
  -daemon
        Run as daemon (background process)
  -enable-http
        Enable HTTP API server (default true)
  -enable-profiling
        Enable profiling endpoints
  -log-level string
        Log level (debug, info, warn, error) (default "info")
  -max-age duration
        Maximum age of metrics (default 24h0m0s)
  -max-metrics int
        Maximum number of metrics to store (default 10000)
  -pid-file string
        PID file path (default "/tmp/retry-daemon.pid")
  -port int
        HTTP server port (default 8080)
  -socket string
        Unix socket path (default "/tmp/retry-daemon.sock")
  -status
        Show daemon status
  -stop
        Stop running daemon
  -version
        Show version information`;

/** The help text split into header lines and one two-line entry per flag. */
function entries(text: string): string[] {
  const out: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.startsWith('  -')) out.push(`${line}\n${lines[++i] ?? ''}`);
    else out.push(line);
  }
  return out;
}

test('the help text holds the original usage block, in order, entry for entry', () => {
  const text = usageText();
  const got = entries(text);
  const want = entries(SEED);
  let at = 0;
  for (const entry of want) {
    const found = got.indexOf(entry, at);
    assert.notEqual(found, -1, `missing or out of order: ${JSON.stringify(entry)}`);
    at = found + 1;
  }
  // Only the added flags sit between the original entries.
  const added = got.filter((e) => e.startsWith('  -') && !want.includes(e)).map((e) => e.split('\n')[0]);
  assert.deepEqual(added, [
    '  -allowed-hosts string',
    '  -data-file string',
    '  -host string',
    '  -install-service',
    '  -log-file string',
    '  -max-connections int',
    '  -max-message-bytes int',
    '  -max-rate-limit-resources int',
    '  -max-store-bytes int',
    '  -redact-patterns string',
    '  -socket-mode string',
    '  -uninstall-service',
  ]);
});

test('the service flags say what they do and where PREFIX and DESTDIR come in', () => {
  const text = usageText();
  assert.ok(
    text.includes(
      '  -install-service\n        Install patienced as a system service (systemd or launchd) under PREFIX; needs root unless DESTDIR is set\n',
    ),
  );
  assert.ok(
    text.includes(
      '  -uninstall-service\n        Remove the service that -install-service installed (PURGE=1 also removes its configuration, data, logs and user)\n',
    ),
  );
  assert.match(text, /PREFIX \(default \/usr\/local\) says where it is installed;\nDESTDIR=\/some\/dir stages/);
});

test('added flags show Go-style defaults', () => {
  const text = usageText();
  assert.ok(text.includes('  -host string\n        HTTP server address to listen on (default "127.0.0.1")\n'));
  assert.ok(text.includes('  -socket-mode string\n        Unix socket file mode, in octal (default "0660")\n'));
  assert.ok(
    text.includes(
      `  -max-message-bytes int\n        Maximum size of one socket message in bytes (default ${MAX_RECORD_BYTES})\n`,
    ),
  );
  assert.ok(
    text.includes(
      '  -max-store-bytes int\n        Maximum total size of stored records in bytes (default 268435456)\n',
    ),
  );
  assert.ok(text.includes('  -max-connections int\n        Maximum concurrent socket connections (default 100)\n'));
  assert.ok(
    text.includes('  -data-file string\n        Data file path (metrics are kept in memory when unset)\n'),
    'no default for an unset path',
  );
  assert.ok(
    text.includes('  -enable-profiling\n        Enable profiling endpoints\n'),
    'no default for a false boolean',
  );
});

test('every config key has a flag in the help and the env var the spec names', () => {
  const text = usageText();
  for (const f of FIELDS) assert.ok(text.includes(`\n  -${KEYS[f].flag}`), KEYS[f].flag);
  assert.deepEqual(
    FIELDS.map((f) => KEYS[f].env).sort(),
    [
      'RETRY_SOCKET_PATH',
      'RETRY_HTTP_PORT',
      'RETRY_HTTP_HOST',
      'RETRY_MAX_METRICS',
      'RETRY_METRICS_MAX_AGE',
      'RETRY_LOG_LEVEL',
      'RETRY_PID_FILE',
      'RETRY_ENABLE_HTTP',
      'RETRY_ENABLE_PROFILING',
      'RETRY_DATA_FILE',
      'RETRY_LOG_FILE',
      'RETRY_SOCKET_MODE',
      'RETRY_MAX_CONNECTIONS',
      'RETRY_MAX_MESSAGE_BYTES',
      'RETRY_REDACT_PATTERNS',
      'RETRY_ALLOWED_HOSTS',
      'RETRY_MAX_STORE_BYTES',
      'RETRY_MAX_RATE_LIMIT_RESOURCES',
    ].sort(),
  );
});
