// The bash completion script of patience and patienced, rendered from the model. One file
// serves both programs (install it under both names for bash-completion's loader). It
// needs bash 3.2 or later and nothing else: no bash-completion helpers.
import type { CompletionModel, FlagModel, SubcommandModel } from './model.ts';
import { valueFlagNames } from './model.ts';

// The helpers read `cur` from the completion function that calls them (bash's dynamic scope).
const HELPERS = String.raw`# COMPREPLY: the lines of 'compgen ARGS -- "$cur"', each kept whole (file names with spaces).
__patience_compgen() {
  local line
  COMPREPLY=()
  while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen "$@" -- "$cur")
}

__patience_files() {
  compopt -o filenames 2>/dev/null
  __patience_compgen -f
}

# The command to run: a command name, or a path when the word has a slash.
__patience_command() {
  if [[ $cur == */* ]]; then __patience_files; else __patience_compgen -c; fi
}

# COMP_WORDS up to the cursor with the pieces bash splits off at = and : joined again
# (--label=k=v, a URL): sets __patience_words, and __patience_cword to the cursor's word.
__patience_join() {
  local i w glue=0
  __patience_words=()
  for ((i = 0; i <= COMP_CWORD; i++)); do
    w=${'$'}{COMP_WORDS[i]}
    if ((i > 0)) && [[ $w == = || $w == : ]]; then
      __patience_words[${'$'}{#__patience_words[@]} - 1]+=$w
      glue=1
    elif ((glue)); then
      __patience_words[${'$'}{#__patience_words[@]} - 1]+=$w
      glue=0
    else
      __patience_words+=("$w")
    fi
  done
  __patience_cword=$((${'$'}{#__patience_words[@]} - 1))
}

# Sets cur to the text being completed, and prev to the option whose value it may be.
__patience_current() {
  local word=${'$'}{__patience_words[__patience_cword]}
  cur=${'$'}{COMP_WORDS[COMP_CWORD]}
  if [[ $cur == = || $cur == : ]]; then cur=; fi
  if [[ $word == -*=* ]]; then prev=${'$'}{word%%=*}; else prev=${'$'}{__patience_words[__patience_cword - 1]}; fi
}

# Completes the command a strategy runs, and returns 0, when the cursor is on it: the first
# word after --, or after the options (the first word that is not one), and then its
# arguments (files). $1: the options that take a value, which skip the next word.
__patience_operand() {
  local i=2 w
  while ((i < __patience_cword)); do
    w=${'$'}{__patience_words[i]}
    if [[ $w == -- ]]; then
      if ((i + 1 == __patience_cword)); then __patience_command; else __patience_files; fi
      return 0
    fi
    if [[ $w != -* ]]; then
      __patience_files
      return 0
    fi
    if [[ " $1 " == *" $w "* ]]; then i=$((i + 2)); else i=$((i + 1)); fi
  done
  return 1
}
`;

const words = (list: readonly string[]): string => `'${list.join(' ')}'`;

/** `-a|--attempts|--config)`: a case pattern of flag names (shell-safe words only). */
const pattern = (flags: readonly FlagModel[]): string => flags.flatMap((f) => f.names).join('|');

/** The case arms completing the value after a flag: fixed words, files, or nothing to offer. */
function valueArms(flags: readonly FlagModel[], indent: string): string[] {
  const arms: string[] = [];
  const files = flags.filter((f) => f.value?.kind === 'files');
  if (files.length > 0) arms.push(`${indent}${pattern(files)}) __patience_files ;;`);
  for (const f of flags) {
    if (f.value?.kind === 'words')
      arms.push(`${indent}${pattern([f])}) __patience_compgen -W ${words(f.value.words)} ;;`);
  }
  const text = flags.filter((f) => f.value?.kind === 'text');
  if (text.length > 0) arms.push(`${indent}${pattern(text)}) ;; # a value to type`);
  return arms;
}

function subcommandArm(s: SubcommandModel): string[] {
  const head = `    ${[s.name, ...s.aliases].join('|')})`;
  const flagWords = words(s.flags.flatMap((f) => f.names));
  switch (s.operands.kind) {
    case 'command':
      return [
        head,
        `      __patience_operand ${words(valueFlagNames(s.flags))} && return 0`,
        '      case $prev in',
        ...valueArms(s.flags, '        '),
        `        *) if [[ $cur == -* ]]; then __patience_compgen -W ${flagWords}; else __patience_command; fi ;;`,
        '      esac',
        '      ;;',
      ];
    case 'none':
      return [
        head,
        '      case $prev in',
        ...valueArms(s.flags, '        '),
        `        *) __patience_compgen -W ${flagWords} ;;`,
        '      esac',
        '      ;;',
      ];
    case 'words': {
      const operand = `__patience_compgen -W ${words(s.operands.words)}`;
      const choice =
        s.flags.length > 0
          ? `if [[ $cur == -* ]]; then __patience_compgen -W ${flagWords}; else ${operand}; fi`
          : operand;
      return [head, `      if ((__patience_cword == 2)); then ${choice}; fi`, '      ;;'];
    }
  }
}

export function bashScript(m: CompletionModel, version: string): string {
  const top = m.subcommands.flatMap((s) => [s.name, ...s.aliases]);
  // Go flags take one dash or two; the case below matches the one-dash spelling.
  const twoDash = m.daemonFlags.flatMap((f) => f.names.map((n) => `-${n}`));
  return [
    '# bash completion for patience and patienced',
    `# Generated by 'patience completion bash' (patience ${version}) from the tables behind --help;`,
    '# do not edit: regenerate it. Serves both programs: install it as .../completions/patience',
    '# and .../completions/patienced, or source it from ~/.bashrc.',
    '',
    HELPERS,
    '_patience() {',
    '  local cur prev __patience_cword',
    '  local -a __patience_words',
    '  __patience_join',
    '  __patience_current',
    '  COMPREPLY=()',
    '  if ((__patience_cword == 1)); then',
    `    if [[ $cur == -* ]]; then __patience_compgen -W ${words(m.rootFlags.flatMap((f) => f.names))}; else __patience_compgen -W ${words(top)}; fi`,
    '    return 0',
    '  fi',
    '  case ${__patience_words[1]} in',
    ...m.subcommands.flatMap(subcommandArm),
    '  esac',
    '  return 0',
    '}',
    '',
    '_patienced() {',
    '  local cur prev __patience_cword',
    '  local -a __patience_words',
    '  __patience_join',
    '  __patience_current',
    '  COMPREPLY=()',
    '  if [[ $prev == --?* ]]; then prev=${prev#-}; fi',
    '  case $prev in',
    ...valueArms(m.daemonFlags, '    '),
    '    *)',
    `      if [[ $cur == --* ]]; then __patience_compgen -W ${words(twoDash)}; else __patience_compgen -W ${words(m.daemonFlags.flatMap((f) => f.names))}; fi`,
    '      ;;',
    '  esac',
    '  return 0',
    '}',
    '',
    'complete -F _patience patience',
    'complete -F _patienced patienced',
    '',
  ].join('\n');
}
