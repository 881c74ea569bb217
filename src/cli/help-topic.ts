// `patience help [NAME]` is `patience NAME --help`, and `patience help` is `patience --help`:
// the words are rewritten before anything is dispatched, so the text is the same to the byte.
import { resolveStrategy, STRATEGY_NAMES } from '../retry/strategies/index.ts';
import { UsageError } from './errors.ts';

export const HELP_SUMMARY = 'show the help of a strategy or command, as NAME --help does';

/** Names with a --help of their own besides the strategies and their aliases. */
const COMMANDS = ['runs', 'stats', 'completion'];

const HINT = `Usage: patience help [STRATEGY | runs | stats | completion]\nStrategies: ${STRATEGY_NAMES.join(', ')}. See 'patience --help'.`;

export function helpAsFlag(argv: readonly string[]): readonly string[] {
  if (argv[0] !== 'help') return argv;
  const [, name, ...extra] = argv;
  if (name === undefined || name === 'help' || name === '-h' || name === '--help') {
    if (extra.length === 0) return ['--help'];
  } else if (resolveStrategy(name) !== undefined || COMMANDS.includes(name)) {
    if (extra.length === 0) return [name, '--help'];
  } else {
    throw new UsageError(`unknown help topic '${name}'`, HINT);
  }
  throw new UsageError(`help takes one name, got '${argv.slice(1).join(' ')}'`, HINT);
}
