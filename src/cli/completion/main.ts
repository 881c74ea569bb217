// `patience completion bash|zsh|fish`. Loaded by a dynamic import from src/cli/main.ts, so a
// retry run evaluates none of the completion code.
import type { Writer } from '../args.ts';
import { completionScript } from './scripts.ts';
import { COMPLETION_HELP, SHELLS, isShell } from './usage.ts';

export interface CompletionDeps {
  stdout: Writer;
  stderr: Writer;
}

const CHOICES = `choose ${SHELLS.slice(0, -1).join(', ')} or ${SHELLS.at(-1) ?? ''}`;

/** argv: the words after `completion`. Resolves to the exit code. */
export function completionMain(argv: readonly string[], d: CompletionDeps): number {
  const [shell, ...extra] = argv;
  if (shell === '-h' || shell === '--help') {
    d.stdout.write(COMPLETION_HELP);
    return 0;
  }
  // One line naming the choices, exit 2, as every usage error.
  const fail = (problem: string): number => {
    d.stderr.write(`patience: ${problem}: ${CHOICES} (see 'patience completion --help')\n`);
    return 2;
  };
  if (shell === undefined) return fail('completion needs a shell');
  if (!isShell(shell)) return fail(`unknown shell '${shell}'`);
  if (extra.length > 0) return fail(`completion takes one shell, got '${argv.join(' ')}'`);
  d.stdout.write(completionScript(shell));
  return 0;
}
