// The command lines of `patience runs` and `patience stats`, parsed by commander as the
// strategies' are: a mistake is a UsageError (one line and a hint, exit 2) before any
// request is sent. Times become unix ms here, against the clock given.
import { Command, CommanderError, Option } from 'commander';
import type { Writer } from '../args.ts';
import { parseGoDuration } from '../../shared/duration.ts';
import { UsageError } from '../errors.ts';
import { DAEMON_URL_ENV, DEFAULT_DAEMON_URL } from './daemon-url.ts';
import type { RunStatus } from './run-filter.ts';
import { parseTimeBound } from './time-bound.ts';

export interface DaemonFlags {
  daemonUrl: string | undefined;
  configPath: string | undefined;
}

export interface RunsOptions extends DaemonFlags {
  command: string | undefined;
  status: RunStatus | undefined;
  sinceMs: number | undefined;
  untilMs: number | undefined;
  labels: Array<[string, string]>;
  limit: number;
  format: 'table' | 'json' | 'ndjson';
  follow: boolean;
}

export interface StatsOptions extends DaemonFlags {
  sinceMs: number;
  untilMs: number;
  /** The --since text when it was a duration back from now and --until was not given ("24h"). */
  lastWindow: string | undefined;
  command: string | undefined;
  limit: number;
  json: boolean;
}

export type Parsed<T> = { kind: 'query'; options: T } | { kind: 'done'; code: number };

export const FINDING = `The daemon: --daemon-url, else ${DAEMON_URL_ENV}, else daemon_url in the config file
(the strategies' file: ./.patience.toml, ./patience.toml, ~/.config/patience/config.toml),
else ${DEFAULT_DAEMON_URL}.
Exit code: 0; 2 for a usage error or a filter the daemon refused; 3 when the daemon cannot
be reached or does not answer as a patienced daemon.`;

/** The examples of `runs --help` and `stats --help`; the man page shows them too. */
export const RUNS_EXAMPLES: readonly string[] = [
  'patience runs --status failed --since 1h',
  'patience runs --command deploy --label team=ops --limit 50',
  'patience runs --follow',
  "patience runs --json | jq '.metrics[].metrics.command'",
];

export const STATS_EXAMPLES: readonly string[] = [
  'patience stats',
  'patience stats --since 168h --command deploy --limit 20',
  'patience stats --since 2026-11-01T00:00:00Z --until 2026-11-08T00:00:00Z',
  'patience stats --json | jq .success_rate',
];

const helpAfter = (examples: readonly string[]): string =>
  `\nExamples:\n${examples.map((e) => `  ${e}\n`).join('')}\n${FINDING}\n`;

/** The values --status takes. */
export const RUN_STATUSES = ['succeeded', 'failed'] as const satisfies readonly RunStatus[];

function baseCommand(name: string, description: string, stdout: Writer): Command {
  return new Command(`patience ${name}`)
    .usage('[options]')
    .description(description)
    .exitOverride()
    .allowExcessArguments(false)
    .helpOption('-h, --help', 'show this help')
    .configureOutput({ writeOut: (s) => stdout.write(s), writeErr: () => {}, outputError: () => {} });
}

function daemonOptions(cmd: Command): Command {
  return cmd
    .option('--daemon-url <URL>', `the daemon's HTTP address (default: ${DEFAULT_DAEMON_URL})`)
    .option('--config <FILE>', 'the config file to read daemon_url from');
}

/** Parses with commander; help is printed (exit 0), mistakes become UsageErrors. */
function parse(cmd: Command, name: string, argv: readonly string[]): Record<string, unknown> | undefined {
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return undefined;
    throw usage(name, err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' '));
  }
  return cmd.opts<Record<string, unknown>>();
}

const usage = (name: string, message: string): UsageError =>
  new UsageError(message, `Usage: patience ${name} [options]\nSee 'patience ${name} --help'.`);

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function parseRunsArgs(argv: readonly string[], nowMs: number, stdout: Writer): Parsed<RunsOptions> {
  return withHint('runs', () => runsArgs(argv, nowMs, stdout));
}

export function parseStatsArgs(argv: readonly string[], nowMs: number, stdout: Writer): Parsed<StatsOptions> {
  return withHint('stats', () => statsArgs(argv, nowMs, stdout));
}

/** Every mistake on these command lines gets the usage hint, whatever its kind. */
function withHint<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof UsageError && err.hint === undefined) throw usage(name, err.message);
    throw err;
  }
}

/** `patience runs`' options and help; completion and the man page read them too. */
export function runsCommandLine(stdout: Writer): Command {
  return daemonOptions(
    baseCommand('runs', 'Recent runs from the patienced daemon, newest first, fitted to the terminal.', stdout)
      .option('--command <TEXT>', 'only commands containing TEXT')
      .option('--status <STATUS>', 'only runs that succeeded or failed')
      .option(
        '--since <WHEN>',
        'only runs at or after WHEN: a duration back from now (30m, 24h, 1h30m) or an RFC 3339 time',
      )
      .option('--until <WHEN>', 'only runs at or before WHEN (as --since)')
      .addOption(
        new Option('--label <K=V>', 'only runs with this label (repeatable: all must match)').argParser(
          (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
        ),
      )
      .option('--limit <N>', 'how many runs, 1..1000 (default: 20)')
      .option('--json', "print the daemon's JSON answer")
      .option('--ndjson', 'print one JSON run a line')
      .option('-f, --follow', 'then print new runs as they are stored, oldest first, until Ctrl-C'),
  ).addHelpText('after', helpAfter(RUNS_EXAMPLES));
}

/** `patience stats`' options and help; completion and the man page read them too. */
export function statsCommandLine(stdout: Writer): Command {
  return daemonOptions(
    baseCommand(
      'stats',
      'A summary of the runs of a time range from the patienced daemon, with the busiest commands.',
      stdout,
    )
      .option('--since <WHEN>', 'the range starts at WHEN: a duration back from now or an RFC 3339 time (default: 24h)')
      .option('--until <WHEN>', 'the range ends at WHEN (default: now)')
      .option('--command <TEXT>', 'only commands containing TEXT')
      .option('--limit <N>', 'how many busiest commands, 1..100 (default: 10)')
      .option('--json', "print the daemon's JSON answer of /api/metrics/stats"),
  ).addHelpText('after', helpAfter(STATS_EXAMPLES));
}

function runsArgs(argv: readonly string[], nowMs: number, stdout: Writer): Parsed<RunsOptions> {
  const cmd = runsCommandLine(stdout);
  const o = parse(cmd, 'runs', argv);
  if (o === undefined) return { kind: 'done', code: 0 };
  if (o.json && o.ndjson) throw usage('runs', '--json and --ndjson cannot be used together');
  if (o.follow && o.until !== undefined) throw usage('runs', '--until cannot be used with --follow');
  const sinceMs = bound('--since', text(o.since), nowMs);
  const untilMs = bound('--until', text(o.until), nowMs);
  if (sinceMs !== undefined && untilMs !== undefined && sinceMs > untilMs)
    throw new UsageError('invalid value for --since: it is after --until');
  return {
    kind: 'query',
    options: {
      daemonUrl: text(o.daemonUrl),
      configPath: text(o.config),
      command: nonEmpty(text(o.command)),
      status: status(text(o.status)),
      sinceMs,
      untilMs,
      labels: labels(o.label),
      limit: int('--limit', text(o.limit), 20, 1000),
      format: o.json ? 'json' : o.ndjson ? 'ndjson' : 'table',
      follow: o.follow === true,
    },
  };
}

function statsArgs(argv: readonly string[], nowMs: number, stdout: Writer): Parsed<StatsOptions> {
  const cmd = statsCommandLine(stdout);
  const o = parse(cmd, 'stats', argv);
  if (o === undefined) return { kind: 'done', code: 0 };
  const sinceText = text(o.since) ?? '24h';
  const sinceMs = bound('--since', sinceText, nowMs) as number;
  const untilMs = bound('--until', text(o.until), nowMs) ?? nowMs;
  if (sinceMs > untilMs) throw new UsageError('invalid value for --since: it is after --until');
  const isDuration = parseGoDuration(sinceText) !== undefined;
  return {
    kind: 'query',
    options: {
      daemonUrl: text(o.daemonUrl),
      configPath: text(o.config),
      sinceMs,
      untilMs,
      lastWindow: isDuration && o.until === undefined ? sinceText : undefined,
      command: nonEmpty(text(o.command)),
      limit: int('--limit', text(o.limit), 10, 100),
      json: o.json === true,
    },
  };
}

function bound(flag: string, raw: string | undefined, nowMs: number): number | undefined {
  if (raw === undefined) return undefined;
  const t = parseTimeBound(raw, nowMs);
  if (!t.ok) throw new UsageError(`invalid value for ${flag}: ${t.problem}`);
  return t.ms;
}

function int(flag: string, raw: string | undefined, dflt: number, max: number): number {
  if (raw === undefined) return dflt;
  if (!/^\d{1,7}$/.test(raw))
    throw new UsageError(`invalid value for ${flag}: must be a whole number, got ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < 1 || n > max) throw new UsageError(`invalid value for ${flag}: must be from 1 to ${max}, got ${n}`);
  return n;
}

function status(raw: string | undefined): RunStatus | undefined {
  if (raw === undefined) return raw;
  const known = RUN_STATUSES.find((s) => s === raw);
  if (known) return known;
  throw new UsageError(`invalid value for --status: must be succeeded or failed, got ${JSON.stringify(raw)}`);
}

/** The API reads an empty filter as none; so does patience. */
const nonEmpty = (v: string | undefined): string | undefined => (v === '' ? undefined : v);

function labels(raw: unknown): Array<[string, string]> {
  const list = Array.isArray(raw) ? (raw as string[]) : [];
  return list.map((item) => {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid value for --label: must be KEY=VALUE, got ${JSON.stringify(item)}`);
    return [item.slice(0, eq), item.slice(eq + 1)];
  });
}
