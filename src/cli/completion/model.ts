// What the shells complete, as data, read from the tables that print --help: OPTIONS and
// STRATEGIES (src/cli/options.ts, src/retry/strategies/index.ts), the command lines of
// `runs` and `stats` (src/cli/query/flags.ts) and patienced's KEYS and COMMAND_FLAGS. The
// bash, zsh and fish scripts are rendered from this one model, so an option added to a
// table completes in every shell without touching a script.
import type { Command } from 'commander';
import { COMMAND_FLAGS, HELP_FLAGS } from '../../daemon/config/flags.ts';
import { FIELDS, KEYS, LOG_LEVELS, type ConfigField } from '../../daemon/config/schema.ts';
import { FALLBACK_NAMES, STRATEGIES, STRATEGY_NAMES, type StrategyName } from '../../retry/strategies/index.ts';
import { HELP_SUMMARY } from '../help-topic.ts';
import { optionsFor, helpOf, type OptionSpec } from '../options.ts';
import { RUN_STATUSES, runsCommandLine, statsCommandLine } from '../query/flags.ts';
import { COMPLETION_SUMMARY, SHELLS } from './usage.ts';

/** What a flag's value completes to: nothing (free text), fixed words, or file names. */
export type ValueCompletion = { kind: 'text' } | { kind: 'words'; words: readonly string[] } | { kind: 'files' };

export interface FlagModel {
  /** Every spelling: ['-a', '--attempts'], ['--config'], ['-socket']. */
  names: readonly string[];
  /** Undefined when the flag takes no value. */
  value?: ValueCompletion;
  /** The value's name in help: N, FILE. */
  placeholder?: string;
  /** May be given more than once (--label). */
  repeatable?: boolean;
  help: string;
}

/** What follows a subcommand's options. */
export type Operands =
  | { kind: 'command' } // a command to run: a command name, then its arguments (files)
  | { kind: 'words'; words: readonly string[] } // one word of a fixed set
  | { kind: 'none' };

export interface SubcommandModel {
  name: string;
  aliases: readonly string[];
  help: string;
  flags: readonly FlagModel[];
  operands: Operands;
}

export interface CompletionModel {
  rootFlags: readonly FlagModel[];
  subcommands: readonly SubcommandModel[];
  /** patienced's flags, Go style: one dash. */
  daemonFlags: readonly FlagModel[];
}

const HELP_FLAG: FlagModel = { names: ['-h', '--help'], help: 'show this help' };

export function completionModel(): CompletionModel {
  return {
    rootFlags: [HELP_FLAG, { names: ['-V', '--version'], help: 'print the version' }],
    subcommands: [
      ...STRATEGY_NAMES.map(strategyModel),
      queryModel(runsCommandLine(QUIET)),
      queryModel(statsCommandLine(QUIET)),
      {
        name: 'completion',
        aliases: [],
        help: COMPLETION_SUMMARY,
        flags: [HELP_FLAG],
        operands: { kind: 'words', words: SHELLS },
      },
      {
        name: 'help',
        aliases: [],
        help: HELP_SUMMARY,
        flags: [],
        operands: { kind: 'words', words: [...STRATEGY_NAMES, 'runs', 'stats', 'completion'] },
      },
    ],
    daemonFlags: daemonFlags(),
  };
}

const QUIET = { write: (): boolean => true };

function strategyModel(name: StrategyName): SubcommandModel {
  const info = STRATEGIES[name];
  return {
    name,
    aliases: [info.alias, ...(info.moreAliases ?? [])],
    help: info.summary,
    flags: [...optionsFor(name).map((o) => optionFlag(o, name)), HELP_FLAG],
    operands: { kind: 'command' },
  };
}

function optionFlag(o: OptionSpec, strategy: StrategyName): FlagModel {
  const names = [...(o.short ? [`-${o.short}`] : []), `--${o.key}`];
  const help = helpOf(o, strategy);
  if (o.kind === 'bool') return { names, help };
  return { names, help, placeholder: o.placeholder, value: valueOf(o), repeatable: o.kind === 'labels' };
}

function valueOf(o: OptionSpec): ValueCompletion {
  if (o.kind === 'fallback') return { kind: 'words', words: FALLBACK_NAMES };
  return pathPlaceholder(o.placeholder) ? { kind: 'files' } : { kind: 'text' };
}

/** FILE and PATH name a file in every table's help: --config FILE, --daemon-socket PATH. */
const pathPlaceholder = (p: string | undefined): boolean => p === 'FILE' || p === 'PATH';

/** The values of the query flags that are a fixed set, by long name. */
const QUERY_WORDS: Readonly<Record<string, readonly string[]>> = { '--status': RUN_STATUSES };

function queryModel(cmd: Command): SubcommandModel {
  const flags = cmd.options.map((o): FlagModel => {
    const names = [...(o.short ? [o.short] : []), ...(o.long ? [o.long] : [])];
    const placeholder = /<([^>]+)>/.exec(o.flags)?.[1];
    if (placeholder === undefined) return { names, help: o.description };
    const words = QUERY_WORDS[o.long ?? ''];
    const value: ValueCompletion = words
      ? { kind: 'words', words }
      : pathPlaceholder(placeholder)
        ? { kind: 'files' }
        : { kind: 'text' };
    return { names, help: o.description, placeholder, value, repeatable: o.long === '--label' };
  });
  return {
    name: cmd.name().replace(/^patience /, ''),
    aliases: [],
    help: cmd.description(),
    flags: [...flags, HELP_FLAG],
    operands: { kind: 'none' },
  };
}

/** patienced's settings that are paths: their config keys say so (socket_path, pid_file, …). */
const isPathKey = (field: ConfigField): boolean => /_(path|file)$/.test(KEYS[field].key);

function daemonFlags(): FlagModel[] {
  const keyFlags = FIELDS.map((field): FlagModel => {
    const spec = KEYS[field];
    const names = [`-${spec.flag}`];
    if (spec.type.flagType === 'bool') return { names, help: spec.usage };
    const value: ValueCompletion =
      field === 'logLevel'
        ? { kind: 'words', words: LOG_LEVELS }
        : isPathKey(field)
          ? { kind: 'files' }
          : { kind: 'text' };
    return { names, help: spec.usage, placeholder: spec.type.flagType, value };
  });
  const commandFlags = COMMAND_FLAGS.map((c): FlagModel => {
    const names = [`-${c.name}`];
    if (c.type === 'bool') return { names, help: c.usage };
    return {
      names,
      help: c.usage,
      placeholder: c.type,
      value: c.name === 'config' ? { kind: 'files' } : { kind: 'text' },
    };
  });
  const help = HELP_FLAGS.map((h): FlagModel => ({ names: [`-${h}`], help: 'show the usage' }));
  return [...keyFlags, ...commandFlags, ...help].sort((a, b) => (a.names[0] ?? '').localeCompare(b.names[0] ?? ''));
}

/** Every flag name that takes a value. */
export const valueFlagNames = (flags: readonly FlagModel[]): string[] =>
  flags.filter((f) => f.value).flatMap((f) => f.names);
