// argv -> strategy, flag entries and the command. The first word picks the strategy
// (name or alias); commander 14 parses that strategy's options and stops at `--` or at
// the first word that is not an option. Help and version are printed here.
import { Command, CommanderError, Option } from 'commander';
import { STRATEGIES, STRATEGY_NAMES, resolveStrategy, type StrategyName } from '../retry/strategies/index.ts';
import { VERSION } from '../shared/version.ts';
import { UsageError } from './errors.ts';
import { helpAsFlag } from './help-topic.ts';
import { OPTIONS, defaultOf, helpOf, optionsFor, type OptionSpec } from './options.ts';
import type { Entry } from './option-values.ts';

export type ParsedArgs =
  | { kind: 'run'; strategy: StrategyName; command: string[]; flags: Entry[]; configPath: string | undefined }
  | { kind: 'done'; code: number };

export interface Writer {
  write(text: string): unknown;
}

/** What patience does, in the words of the first line of --help and of the man page's NAME. */
export const TAGLINE = 'run a command until it succeeds, with backoff between attempts';
/** The forms of the command line, as --help and the man page's SYNOPSIS show them. */
export const SYNOPSIS = [
  'patience STRATEGY [options] [--] COMMAND [ARGS...]',
  'patience runs | stats [options]',
  'patience completion bash | zsh | fish',
  'patience help [STRATEGY | runs | stats | completion]',
  'patience --help | --version | STRATEGY --help | runs --help | stats --help',
] as const;
const USAGE = `Usage: ${SYNOPSIS[0]}`;
const ROOT_HINT = `${USAGE}\nStrategies: ${STRATEGY_NAMES.join(', ')}. See 'patience --help'.`;

export function parseArgs(argv: readonly string[], stdout: Writer): ParsedArgs {
  const [first, ...rest] = helpAsFlag(argv);
  if (first === '-h' || first === '--help') {
    stdout.write(rootHelp());
    return { kind: 'done', code: 0 };
  }
  if (first === '-V' || first === '--version') {
    stdout.write(`patience version ${VERSION}\n`);
    return { kind: 'done', code: 0 };
  }
  if (first === undefined || first.startsWith('-')) {
    throw new UsageError('no strategy given: the strategy comes first', ROOT_HINT);
  }
  const strategy = resolveStrategy(first);
  if (!strategy) throw new UsageError(`unknown strategy '${first}'`, ROOT_HINT);

  const hint = `Usage: patience ${strategy} [options] [--] COMMAND [ARGS...]\nSee 'patience ${strategy} --help'.`;
  const specs = optionsFor(strategy);
  const cmd = strategyCommand(strategy, specs, stdout);
  try {
    cmd.parse(rest, { from: 'user' });
  } catch (err) {
    if (!(err instanceof CommanderError)) throw err;
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return { kind: 'done', code: 0 };
    throw new UsageError(err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' '), hint);
  }
  const command = cmd.args;
  // --debug-config shows the settings, so it needs no command.
  const needsCommand = cmd.getOptionValueSource('debugConfig') !== 'cli';
  if (needsCommand && (command.length === 0 || command[0] === '')) throw new UsageError('no command given', hint);

  const opts = cmd.opts<Record<string, unknown>>();
  const flags: Entry[] = [];
  for (const spec of specs) {
    const option = cmd.options.find((o) => o.long === `--${spec.key}`) as Option;
    const attr = option.attributeName();
    if (cmd.getOptionValueSource(attr) !== 'cli') continue;
    // --no-report is stored by commander as report=false; patience keeps it as no-report=true.
    const raw = option.negate ? !opts[attr] : opts[attr];
    flags.push({ key: spec.key, raw, source: { kind: 'flag', flag: `--${spec.key}` } });
  }
  const config = flags.find((f) => f.key === 'config')?.raw;
  return { kind: 'run', strategy, command, flags, configPath: typeof config === 'string' ? config : undefined };
}

function strategyCommand(strategy: StrategyName, specs: OptionSpec[], stdout: Writer): Command {
  const info = STRATEGIES[strategy];
  const cmd = new Command(`patience ${strategy}`)
    .usage('[options] [--] COMMAND [ARGS...]')
    .description(`${info.summary}.\nDelay after failed attempt n: ${info.formula}.`)
    .argument('[command...]', 'the command to run, and its arguments (no shell)')
    .passThroughOptions()
    .exitOverride()
    .helpOption('-h, --help', 'show this help')
    .configureOutput({ writeOut: (s) => stdout.write(s), writeErr: () => {}, outputError: () => {} })
    .addHelpText(
      'after',
      `\n${aliasLine(info)}. Options may also come from a config file and PATIENCE_* env vars;\nsee docs/cli.md. Example:\n  patience ${strategy} ${info.example ?? '-a 5 -- curl -fsS https://example.com/health'}\n`,
    );
  for (const spec of specs) {
    const flags = `${spec.short ? `-${spec.short}, ` : ''}--${spec.key}${spec.placeholder ? ` <${spec.placeholder}>` : ''}`;
    const def = defaultOf(spec, strategy);
    const help = helpOf(spec, strategy);
    const option = new Option(flags, def === undefined ? help : `${help} (default: ${def})`);
    if (spec.kind === 'labels') option.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
    cmd.addOption(option);
  }
  return cmd;
}

function aliasLine(info: { alias: string; moreAliases?: readonly string[] }): string {
  const all = [info.alias, ...(info.moreAliases ?? [])];
  return `${all.length > 1 ? 'Aliases' : 'Alias'}: ${all.join(', ')}`;
}

function rootHelp(): string {
  const names = (s: StrategyName): string => [s, STRATEGIES[s].alias, ...(STRATEGIES[s].moreAliases ?? [])].join(', ');
  const width = Math.max(...STRATEGY_NAMES.map((s) => names(s).length));
  const lines = STRATEGY_NAMES.map((s) => `  ${names(s).padEnd(width)}  ${STRATEGIES[s].summary}`);
  const common = OPTIONS.filter((o) => !o.only);
  const optWidth = Math.max(...common.map((o) => optionLabel(o).length));
  const opts = common.map((o) => {
    const def = defaultOf(o, 'fixed');
    return `  ${optionLabel(o).padEnd(optWidth)}  ${o.help}${def === undefined ? '' : ` (default: ${def})`}`;
  });
  return [
    `patience ${VERSION}: ${TAGLINE}.`,
    '',
    USAGE,
    ...SYNOPSIS.slice(1).map((line) => `       ${line}`),
    '',
    'Strategies:',
    ...lines,
    '',
    'Ask the daemon (patienced) from the terminal:',
    '  runs   recent runs as a table fitted to the terminal, or JSON; --follow prints new ones live',
    '  stats  runs, success rate, rescued runs, durations and the busiest commands of a time range',
    '',
    "Shell completion of patience and patienced: 'patience completion bash|zsh|fish'; see its --help.",
    '',
    'Options of every strategy:',
    ...opts,
    '',
    "Strategy options: 'patience STRATEGY --help'. Everything after the first -- is the command.",
    'Exit code: 0 on success, 1 on a failure-pattern stop, else the last attempt’s own code',
    '(124 timeout, 126 cannot execute, 127 not found, 128+N killed by or interrupted with signal N).',
    '',
    'Example: patience exponential -a 5 -b 500ms -- curl -fsS https://example.com/health',
    '         patience runs --status failed --since 1h',
    '',
  ].join('\n');
}

function optionLabel(o: OptionSpec): string {
  return `${o.short ? `-${o.short}, ` : '    '}--${o.key}${o.placeholder ? ` ${o.placeholder}` : ''}`;
}
