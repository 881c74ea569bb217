// patience(1), written at build time from what --help prints: OPTIONS and STRATEGIES, the
// runs/stats command lines, the completion and help texts. Only the prose around them is
// written here; an option or a strategy added to a table appears without an edit.
import type { Command } from 'commander';
import { EXIT } from '../../retry/exit-codes.ts';
import { STRATEGIES, STRATEGY_NAMES, type StrategyName } from '../../retry/strategies/index.ts';
import { VERSION } from '../../shared/version.ts';
import { SYNOPSIS, TAGLINE } from '../args.ts';
import { COMPLETION_ABOUT, COMPLETION_KEEP, COMPLETION_LOAD, SHELLS } from '../completion/usage.ts';
import { HELP_SUMMARY } from '../help-topic.ts';
import { OPTIONS, defaultOf, fileKey, helpOf, type OptionSpec } from '../options.ts';
import { DAEMON_URL_ENV, DEFAULT_DAEMON_URL } from '../query/daemon-url.ts';
import { QUERY_EXIT } from '../query/errors.ts';
import { FINDING, RUNS_EXAMPLES, STATS_EXAMPLES, runsCommandLine, statsCommandLine } from '../query/flags.ts';
import { DEFAULT_SOCKET_PATH } from '../report.ts';
import { commandLine } from '../command-line.ts';
import { PATIENCE_EXAMPLES } from './examples.ts';
import { bold, esc, italic, literal, page, para, rawPara, section, subsection, tagged, type Block } from './roff.ts';

const QUIET = { write: (): boolean => true };

/** `-a, --attempts N` as roff. */
function optionTag(o: OptionSpec): string {
  const names = [...(o.short ? [bold(`-${o.short}`)] : []), bold(`--${o.key}`)].join(', ');
  return o.placeholder ? `${names} ${italic(o.placeholder)}` : names;
}

function optionEntry(o: OptionSpec, s: StrategyName): Block {
  const def = defaultOf(o, s);
  return tagged(optionTag(o), `${helpOf(o, s)}${def === undefined ? '' : ` (default: ${def})`}.`);
}

/** A common option with where else it can be set. */
function commonEntry(o: OptionSpec): Block {
  const def = defaultOf(o, 'fixed');
  const also = [
    def === undefined ? '' : `Default: ${def}.`,
    o.env ? `Env: ${o.env}.` : '',
    o.cliOnly ? 'Not in the config file.' : `Config file: ${fileKey(o)}.`,
  ];
  return tagged(optionTag(o), [`${helpOf(o, 'fixed')}.`, ...also].filter(Boolean).join(' '));
}

function strategyBlock(s: StrategyName): Block {
  const info = STRATEGIES[s];
  const aliases = [info.alias, ...(info.moreAliases ?? [])];
  const own = OPTIONS.filter((o) => o.only?.includes(s));
  return [
    ...subsection(`${bold(s)} (${aliases.length > 1 ? 'aliases' : 'alias'} ${aliases.map(bold).join(', ')})`),
    ...para(`${info.summary}. Delay after failed attempt n: ${info.formula}.`),
    ...(own.length > 0 ? own.flatMap((o) => optionEntry(o, s)) : para('No options of its own.')),
  ];
}

/** `--status STATUS` and its help, from the commander options that print `runs --help`. */
function queryBlock(cmd: Command, examples: readonly string[]): Block {
  const options = cmd.options.flatMap((o) => {
    const names = [o.short, o.long].filter((n): n is string => n !== undefined).map(bold);
    const value = /<([^>]+)>/.exec(o.flags)?.[1];
    return tagged(`${names.join(', ')}${value ? ` ${italic(value)}` : ''}`, o.description);
  });
  return [
    ...subsection(`${bold(cmd.name())} [${italic('options')}]`),
    ...para(cmd.description()),
    ...options,
    ...tagged(`${bold('-h')}, ${bold('--help')}`, 'show this help'),
    ...para('Examples:'),
    ...literal(examples),
  ];
}

const entry = (name: string, text: string): Block => tagged(bold(name), text);

export function patiencePage(): string {
  return page({ name: 'patience', section: 1, source: `patience ${VERSION}`, manual: 'User Commands' }, [
    ...introduction(),
    section('Strategies'),
    ...STRATEGY_NAMES.map(strategyBlock),
    ...options(),
    ...commands(),
    ...environment(),
    ...files(),
    ...exitStatus(),
    section('Examples'),
    ...PATIENCE_EXAMPLES.map((e) => [...(e.about ? para(e.about) : []), ...literal([commandLine(e.argv)])]),
    section('See also'),
    rawPara(`${bold('patienced')}(8); the reference is docs/cli.md in the source distribution.`),
  ]);
}

/** NAME, SYNOPSIS and DESCRIPTION: the first line and the forms of --help, and the grammar. */
function introduction(): Block[] {
  return [
    section('Name'),
    [`patience \\- ${esc(TAGLINE)}`],
    section('Synopsis'),
    ['.nf', ...SYNOPSIS.map((line) => `${bold('patience')}${esc(line.slice('patience'.length))}`), '.fi'],
    section('Description'),
    para(
      `patience runs COMMAND until it succeeds, waiting between attempts as one of ${STRATEGY_NAMES.length} backoff ` +
        'strategies says, and reports every run to the patienced(8) daemon when one is running. ' +
        'The command’s output passes through unchanged; patience’s own status lines and summary go to stderr.',
    ),
    para(
      'The first word is the strategy, by name or alias. Options follow it. Everything after the first -- is the ' +
        'command, verbatim, later -- included; without --, option parsing stops at the first word that is not an ' +
        "option of patience. The command runs directly, found on PATH, with no shell: write sh -c '…' for pipes " +
        'and globs. Environment, working directory and stdin are inherited.',
    ),
    para(
      'Options can be written -a 5, -a5, --attempts 5 or --attempts=5. Durations are Go-style: 500ms, 1.5s, 2m, ' +
        '1h30m, or a bare 0. Settings come from the defaults, then the config file, then PATIENCE_* environment ' +
        'variables, then the options; each overrides the one before. A mistake prints one error line and a short ' +
        'usage hint on stderr and exits 2 before anything runs.',
    ),
  ];
}

function options(): Block[] {
  return [
    section('Options'),
    para('Every strategy takes these:'),
    ...OPTIONS.filter((o) => !o.only).map(commonEntry),
    entry('-h, --help', 'show the help of patience, or after a strategy that strategy’s options and defaults'),
    entry('-V, --version', 'print the version'),
  ];
}

/** runs and stats from their command lines, completion and help from their texts. */
function commands(): Block[] {
  return [
    section('Commands'),
    para('These words take the place of the strategy. They run no command and send no run record.'),
    queryBlock(runsCommandLine(QUIET), RUNS_EXAMPLES),
    queryBlock(statsCommandLine(QUIET), STATS_EXAMPLES),
    para(FINDING),
    subsection(`${bold('completion')} ${SHELLS.map(bold).join('|')}`),
    para(COMPLETION_ABOUT),
    literal([...COMPLETION_LOAD, ...COMPLETION_KEEP]),
    subsection(`${bold('help')} [${italic('NAME')}]`),
    para(`${HELP_SUMMARY}: patience help exponential prints what patience exponential --help prints.`),
  ];
}

function environment(): Block[] {
  return [
    section('Environment'),
    ...OPTIONS.filter((o) => o.env).map((o) => entry(o.env ?? '', `sets --${o.key}, for every strategy`)),
    entry('PATIENCE_DEBUG', 'any non-empty value prints debug lines about reporting, state files and the code cache'),
    entry(
      DAEMON_URL_ENV,
      `the daemon of runs and stats when --daemon-url is not given (default: ${DEFAULT_DAEMON_URL})`,
    ),
    entry(
      'RETRY_SOCKET_PATH',
      `the patienced socket runs are reported to, and the default of --daemon-socket (default: ${DEFAULT_SOCKET_PATH})`,
    ),
    entry('NO_COLOR', 'any non-empty value: runs and stats print no colour (neither does TERM=dumb)'),
    entry('COLUMNS', 'the width runs and stats fit their tables to when stdout is not a terminal (default: 80)'),
    entry('XDG_CONFIG_HOME', 'where the user’s config file is (default: ~/.config)'),
    entry('XDG_STATE_HOME', 'where adaptive and diophantine keep what they learn (default: ~/.local/state)'),
    entry('XDG_CACHE_HOME', 'where the code cache is (default: ~/.cache)'),
  ];
}

function files(): Block[] {
  return [
    section('Files'),
    entry('./.patience.toml, ./patience.toml', 'the config file, when --config is not given: the first that exists'),
    entry('$XDG_CONFIG_HOME/patience/config.toml', 'else this one; only one file is read'),
    entry('$XDG_STATE_HOME/patience/adaptive/', 'what adaptive learned, one file per command'),
    entry('$XDG_STATE_HOME/patience/ledger/', 'the local rate-limit ledger of diophantine, one file per resource'),
    entry(
      '$XDG_CACHE_HOME/patience/',
      'patience’s compiled code (a V8 code cache), so that a run starts sooner; it may be deleted at any time',
    ),
    entry(DEFAULT_SOCKET_PATH, 'the patienced socket, unless RETRY_SOCKET_PATH names another'),
  ];
}

function exitStatus(): Block[] {
  return [
    section('Exit status'),
    entry(String(EXIT.success), 'the command succeeded (exit code 0, or the success pattern matched)'),
    entry(String(EXIT.failurePattern), 'the failure pattern matched'),
    entry('N', 'otherwise, the last attempt’s own exit code'),
    entry(String(EXIT.httpError), 'http-aware: an HTTP status failed the last attempt and the command itself exited 0'),
    entry(String(EXIT.usage), 'a usage error: a bad option, value or config file (nothing ran)'),
    entry(String(EXIT.timeout), 'the last attempt timed out (also when cut by --max-time)'),
    entry(String(EXIT.cannotExecute), 'the command cannot execute'),
    entry(String(EXIT.notFound), 'the command was not found'),
    entry(`${EXIT.signalBase}+N`, 'the last attempt was killed by signal N, or patience was interrupted by it'),
    entry('70', 'an internal error in patience (a bug: please report it)'),
    entry(String(QUERY_EXIT.daemon), 'runs and stats: the daemon cannot be reached or does not answer as patienced'),
  ];
}
