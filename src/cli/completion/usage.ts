// `patience completion`: the shells it knows and its help text, shared by the command,
// `patience help completion` and the man page.
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export const isShell = (word: string): word is Shell => (SHELLS as readonly string[]).includes(word);

export const COMPLETION_SUMMARY = 'print the shell completion script of patience and patienced';

export const COMPLETION_ABOUT =
  'Prints the completion script of patience and patienced for the shell on stdout: strategies and ' +
  "their aliases, each strategy's options, the options of runs and stats, the values of --fallback, " +
  "--status and --config, the command after -- and then its files, and patienced's flags.";

/** Commands that load it into the running shell. */
export const COMPLETION_LOAD = [
  'source <(patience completion bash)',
  'source <(patience completion zsh)',
  'patience completion fish | source',
];

/** Commands that keep it where each shell looks; the links make patienced complete before patience has. */
export const COMPLETION_KEEP = [
  'patience completion bash > ~/.local/share/bash-completion/completions/patience',
  'ln -s patience ~/.local/share/bash-completion/completions/patienced',
  'patience completion zsh > ~/.zfunc/_patience   # with fpath=(~/.zfunc $fpath) before compinit',
  'patience completion fish > ~/.config/fish/completions/patience.fish',
  'ln -s patience.fish ~/.config/fish/completions/patienced.fish',
];

const wrap = (text: string, width: number): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
};

export const COMPLETION_HELP = [
  `Usage: patience completion ${SHELLS.join('|')}`,
  '',
  ...wrap(COMPLETION_ABOUT, 88),
  '',
  'Load it now:',
  ...COMPLETION_LOAD.map((l) => `  ${l}`),
  '',
  'Or keep it where the shell looks (docs/cli.md, "Shell completion"):',
  ...COMPLETION_KEEP.map((l) => `  ${l}`),
  '',
  'Options:',
  '  -h, --help  show this help',
  '',
].join('\n');
