// Every option of patience, once: its flags, kind, default, help, which strategies have
// it, its config-file key and its env var. Commander's options, the config schema and the
// validation all come from this table.
import type { StrategyName } from '../retry/strategies/index.ts';

export type Kind =
  'int' | 'float' | 'duration' | 'bool' | 'pattern' | 'codes' | 'offsets' | 'text' | 'fallback' | 'labels';

export interface OptionSpec {
  /** Long flag without dashes; the config key is its snake_case form. */
  key: string;
  short?: string;
  kind: Kind;
  placeholder?: string;
  help: string;
  /** Raw default, parsed like any input; per strategy where it differs. */
  default?: string | ((s: StrategyName) => string);
  /** Strategies that have it; every strategy when absent. */
  only?: readonly StrategyName[];
  /** Not allowed in a config file. */
  cliOnly?: boolean;
  env?: string;
  /** Help that differs for some strategies (the fallback's parameters). */
  helpFor?: Partial<Record<StrategyName, string>>;
}

const EXP_LIKE = ['exponential', 'jitter', 'decorrelated-jitter'] as const;
const FALLBACK_USERS = ['http-aware', 'adaptive'] as const;

export const OPTIONS: readonly OptionSpec[] = [
  {
    key: 'attempts',
    short: 'a',
    kind: 'int',
    placeholder: 'N',
    help: 'maximum attempts, 1..1000',
    default: '3',
    env: 'PATIENCE_ATTEMPTS',
  },
  {
    key: 'timeout',
    short: 't',
    kind: 'duration',
    placeholder: 'D',
    help: 'time limit per attempt, 0 for none',
    default: '0',
    env: 'PATIENCE_TIMEOUT',
  },
  {
    key: 'success-pattern',
    kind: 'pattern',
    placeholder: 'RE',
    help: 'output that means success (RE2 syntax)',
    env: 'PATIENCE_SUCCESS_PATTERN',
  },
  {
    key: 'failure-pattern',
    kind: 'pattern',
    placeholder: 'RE',
    help: 'output that means failure: stop at once',
    env: 'PATIENCE_FAILURE_PATTERN',
  },
  {
    key: 'case-insensitive',
    kind: 'bool',
    help: 'match both patterns ignoring case',
    env: 'PATIENCE_CASE_INSENSITIVE',
  },
  {
    key: 'config',
    kind: 'text',
    placeholder: 'FILE',
    help: 'TOML config file (default: ./.patience.toml, ./patience.toml, then $XDG_CONFIG_HOME/patience/config.toml)',
    cliOnly: true,
  },
  {
    key: 'max-time',
    kind: 'duration',
    placeholder: 'D',
    help: 'budget for the whole run, delays included, 0 for none',
    default: '0',
    env: 'PATIENCE_MAX_TIME',
  },
  { key: 'retry-on', kind: 'codes', placeholder: 'CODES', help: 'retry only on these exit codes, e.g. 1,75,100-110' },
  { key: 'stop-on', kind: 'codes', placeholder: 'CODES', help: 'never retry on these exit codes' },
  { key: 'dry-run', kind: 'bool', help: 'print the delay schedule and run nothing', cliOnly: true },
  {
    key: 'debug-config',
    kind: 'bool',
    help: 'print each effective setting and where it came from, and run nothing',
    cliOnly: true,
  },
  { key: 'quiet', short: 'q', kind: 'bool', help: 'no status lines, only the command’s output and errors' },
  { key: 'no-report', kind: 'bool', help: 'do not send the run to the daemon', env: 'PATIENCE_NO_REPORT' },
  { key: 'label', kind: 'labels', placeholder: 'K=V', help: 'label sent with the run record (repeatable)' },

  {
    key: 'delay',
    short: 'd',
    kind: 'duration',
    placeholder: 'D',
    help: 'delay between attempts',
    default: '1s',
    only: ['fixed'],
  },
  {
    key: 'base-delay',
    short: 'b',
    kind: 'duration',
    placeholder: 'D',
    help: 'first delay',
    helpFor: { 'http-aware': "the fallback's first delay", adaptive: "the fallback's first delay" },
    default: '1s',
    only: [...EXP_LIKE, 'fibonacci', 'polynomial', ...FALLBACK_USERS],
  },
  {
    key: 'multiplier',
    short: 'x',
    kind: 'float',
    placeholder: 'F',
    help: 'growth factor, > 0',
    helpFor: { 'http-aware': "the fallback's growth factor, > 0", adaptive: "the fallback's growth factor, > 0" },
    default: '2.0',
    only: [...EXP_LIKE, ...FALLBACK_USERS],
  },
  {
    key: 'increment',
    short: 'i',
    kind: 'duration',
    placeholder: 'D',
    help: 'added to the delay each time',
    default: '1s',
    only: ['linear'],
  },
  {
    key: 'exponent',
    short: 'e',
    kind: 'float',
    placeholder: 'F',
    help: 'power of n, >= 0',
    helpFor: {
      'http-aware': "the fallback's power of n (polynomial)",
      adaptive: "the fallback's power of n (polynomial)",
    },
    default: '2.0',
    only: ['polynomial', ...FALLBACK_USERS],
  },
  {
    key: 'max-delay',
    short: 'm',
    kind: 'duration',
    placeholder: 'D',
    help: 'longest delay',
    helpFor: {
      'http-aware': "cap on the server's hint, and the fallback's longest delay (else 60s)",
      adaptive: "the fallback's longest delay",
    },
    default: (s) => (s === 'http-aware' ? '30m' : '60s'),
    only: [...EXP_LIKE, 'linear', 'fibonacci', 'polynomial', ...FALLBACK_USERS],
  },
  {
    key: 'fallback',
    short: 'f',
    kind: 'fallback',
    placeholder: 'NAME',
    help: 'strategy used while there is nothing better',
    default: 'exponential',
    only: FALLBACK_USERS,
  },
  {
    key: 'learning-rate',
    short: 'r',
    kind: 'float',
    placeholder: 'F',
    help: 'weight of new outcomes, in (0, 1]',
    default: '0.1',
    only: ['adaptive'],
  },
  {
    key: 'memory-window',
    short: 'w',
    kind: 'int',
    placeholder: 'N',
    help: 'outcomes remembered, 1..10000',
    default: '50',
    only: ['adaptive'],
  },
  {
    key: 'rate-limit',
    short: 'r',
    kind: 'int',
    placeholder: 'N',
    help: 'starts allowed per window, > 0',
    default: '100',
    only: ['diophantine'],
  },
  {
    key: 'window',
    short: 'w',
    kind: 'duration',
    placeholder: 'D',
    help: 'rate-limit window, > 0',
    default: '1h',
    only: ['diophantine'],
  },
  {
    key: 'retry-offsets',
    short: 'o',
    kind: 'offsets',
    placeholder: 'LIST',
    help: 'start times of the attempts, relative to the first',
    default: '0,10m,30m',
    only: ['diophantine'],
  },
  {
    key: 'resource-id',
    kind: 'text',
    placeholder: 'ID',
    help: 'rate-limited resource (default: derived from the command)',
    only: ['diophantine'],
  },
  {
    key: 'daemon',
    kind: 'bool',
    help: 'share the rate limit through patienced (else the local ledger)',
    only: ['diophantine'],
  },
  {
    key: 'daemon-socket',
    kind: 'text',
    placeholder: 'PATH',
    help: 'patienced socket (default: $RETRY_SOCKET_PATH, else /tmp/retry-daemon.sock)',
    only: ['diophantine'],
  },
  {
    key: 'daemon-timeout',
    kind: 'duration',
    placeholder: 'D',
    help: 'time limit of each exchange with patienced, 1ms..60s',
    default: '200ms',
    only: ['diophantine'],
  },
  {
    key: 'daemon-auto-start',
    kind: 'bool',
    help: 'start patienced -daemon on the socket when none answers',
    only: ['diophantine'],
  },
];

/** The strategy's own options first, then those of every strategy. */
export function optionsFor(strategy: StrategyName): OptionSpec[] {
  return [...OPTIONS.filter((o) => o.only?.includes(strategy)), ...OPTIONS.filter((o) => !o.only)];
}

export function helpOf(o: OptionSpec, s: StrategyName): string {
  return o.helpFor?.[s] ?? o.help;
}

export function findOption(key: string): OptionSpec | undefined {
  return OPTIONS.find((o) => o.key === key);
}

export function fileKey(o: OptionSpec): string {
  return o.key === 'label' ? 'labels' : o.key.replaceAll('-', '_');
}

export function defaultOf(o: OptionSpec, s: StrategyName): string | undefined {
  return typeof o.default === 'function' ? o.default(s) : o.default;
}
