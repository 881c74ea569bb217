// The completion script of each shell, from one model; `patience completion SHELL` prints
// it and the build writes the same text to dist/completion/.
import { VERSION } from '../../shared/version.ts';
import { bashScript } from './bash.ts';
import { fishPatience, fishPatienced } from './fish.ts';
import { zshScript } from './zsh.ts';
import { completionModel } from './model.ts';
import type { Shell } from './usage.ts';

export function completionScript(shell: Shell): string {
  const m = completionModel();
  switch (shell) {
    case 'bash':
      return bashScript(m, VERSION);
    case 'zsh':
      return zshScript(m, VERSION);
    case 'fish':
      return `${fishPatience(m, VERSION)}\n${fishPatienced(m, VERSION)}`;
  }
}

/** The files a service install copies, by name under dist/completion/. */
export function completionFiles(): Record<string, string> {
  const m = completionModel();
  return {
    'patience.bash': bashScript(m, VERSION),
    _patience: zshScript(m, VERSION),
    'patience.fish': fishPatience(m, VERSION),
    'patienced.fish': fishPatienced(m, VERSION),
  };
}
