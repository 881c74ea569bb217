// The one table of patienced settings: config-file key, env var, flag, type, default and help.
// Everything else in this folder (file check, env, flags, help text, reports) is derived from it.
import { MAX_RECORD_BYTES } from '../../shared/record-fields.ts';
import {
  boolean,
  duration,
  integer,
  octalMode,
  oneOf,
  optionalText,
  redactPatterns,
  text,
  type ValueType,
} from './value-types.ts';
import { hostList, listenHost } from './hosts.ts';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The resolved settings; durations are in milliseconds. */
export interface DaemonConfig {
  readonly socketPath: string;
  readonly httpPort: number;
  readonly httpHost: string;
  readonly maxRecords: number;
  readonly metricsMaxAgeMs: number;
  readonly logLevel: LogLevel;
  readonly pidFile: string;
  readonly enableHttp: boolean;
  readonly enableProfiling: boolean;
  /** Unset: records are kept in memory only. */
  readonly dataFile: string | undefined;
  /** Unset: logs go to stderr. */
  readonly logFile: string | undefined;
  /** Permission bits for the socket file, e.g. 0o660. */
  readonly socketMode: number;
  readonly maxConnections: number;
  readonly maxMessageBytes: number;
  readonly maxStoreBytes: number;
  /** The operator's extra redaction patterns (sources), checked linear-time. */
  readonly redactPatterns: readonly string[];
  /** Host names the HTTP server answers to besides loopback names and httpHost, canonical; "*" for any. */
  readonly allowedHosts: readonly string[];
  /** Rate-limit resources tracked at once (docs/coordination.md). */
  readonly maxRateLimitResources: number;
}

export type ConfigField = keyof DaemonConfig;

export interface KeySpec<T> {
  /** The snake_case key in the JSON config file. */
  readonly key: string;
  /** The RETRY_* environment variable. */
  readonly env: string;
  /** The flag name without its dash. */
  readonly flag: string;
  /** Flag help, worded as in the original daemon's usage block. */
  readonly usage: string;
  readonly type: ValueType<T>;
  readonly default: T;
}

function spec<T>(key: string, flag: string, type: ValueType<T>, defaultValue: T, usage: string): KeySpec<T> {
  return { key, env: `RETRY_${key.toUpperCase()}`, flag, usage, type, default: defaultValue };
}

export const DEFAULT_CONFIG_PATH = '/usr/local/etc/retry/daemon.json';

// Insertion order is the order of reports: the original daemon's keys first, then the additions.
export const KEYS: { readonly [F in ConfigField]: KeySpec<DaemonConfig[F]> } = {
  socketPath: spec('socket_path', 'socket', text(), '/tmp/retry-daemon.sock', 'Unix socket path'),
  httpPort: spec('http_port', 'port', integer(0, 65535), 8080, 'HTTP server port'),
  maxRecords: spec('max_metrics', 'max-metrics', integer(1), 10000, 'Maximum number of metrics to store'),
  metricsMaxAgeMs: spec('metrics_max_age', 'max-age', duration(1000), 24 * 3_600_000, 'Maximum age of metrics'),
  logLevel: spec('log_level', 'log-level', oneOf(LOG_LEVELS), 'info', 'Log level (debug, info, warn, error)'),
  pidFile: spec('pid_file', 'pid-file', text(), '/tmp/retry-daemon.pid', 'PID file path'),
  enableHttp: spec('enable_http', 'enable-http', boolean(), true, 'Enable HTTP API server'),
  enableProfiling: spec('enable_profiling', 'enable-profiling', boolean(), false, 'Enable profiling endpoints'),
  httpHost: spec('http_host', 'host', listenHost(), '127.0.0.1', 'HTTP server address to listen on'),
  dataFile: spec(
    'data_file',
    'data-file',
    optionalText(),
    undefined,
    'Data file path (metrics are kept in memory when unset)',
  ),
  logFile: spec('log_file', 'log-file', optionalText(), undefined, 'Log file path, JSON lines (stderr when unset)'),
  socketMode: spec('socket_mode', 'socket-mode', octalMode(), 0o660, 'Unix socket file mode, in octal'),
  maxConnections: spec('max_connections', 'max-connections', integer(1), 100, 'Maximum concurrent socket connections'),
  maxMessageBytes: spec(
    'max_message_bytes',
    'max-message-bytes',
    integer(1024),
    MAX_RECORD_BYTES,
    'Maximum size of one socket message in bytes',
  ),
  maxStoreBytes: spec(
    'max_store_bytes',
    'max-store-bytes',
    integer(1_048_576),
    256 * 1_048_576,
    'Maximum total size of stored records in bytes',
  ),
  redactPatterns: spec(
    'redact_patterns',
    'redact-patterns',
    redactPatterns(),
    Object.freeze([]),
    'Extra regular expressions to redact, a JSON array or one per line',
  ),
  maxRateLimitResources: spec(
    'max_rate_limit_resources',
    'max-rate-limit-resources',
    integer(1, 1_000_000),
    10_000,
    'Maximum number of rate-limit resources tracked (the least recently used idle one is evicted)',
  ),
  allowedHosts: spec(
    'allowed_hosts',
    'allowed-hosts',
    hostList(),
    [],
    'Host names (comma-separated) the HTTP server also answers to, besides loopback names and -host',
  ),
};

export const FIELDS = Object.keys(KEYS) as ConfigField[];

/** The field a config-file key belongs to, if any. */
export function fieldOfKey(key: string): ConfigField | undefined {
  return FIELDS.find((f) => KEYS[f].key === key);
}
