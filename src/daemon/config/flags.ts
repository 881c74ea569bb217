// Go flag syntax on top of node:util parseArgs: -name and --name alike, -name value,
// -name=value, and booleans that never take the next word (-enable-http=false).
import { parseArgs } from 'node:util';
import { FIELDS, KEYS } from './schema.ts';

export const USAGE_HINT = "run 'patienced -h' for usage";

export interface CommandFlag {
  readonly name: string;
  readonly type: 'string' | 'bool';
  readonly usage: string;
}

/** Flags that choose what patienced does rather than set a config key. */
export const COMMAND_FLAGS: readonly CommandFlag[] = [
  { name: 'config', type: 'string', usage: 'Configuration file path' },
  { name: 'daemon', type: 'bool', usage: 'Run as daemon (background process)' },
  { name: 'status', type: 'bool', usage: 'Show daemon status' },
  { name: 'stop', type: 'bool', usage: 'Stop running daemon' },
  { name: 'version', type: 'bool', usage: 'Show version information' },
  {
    name: 'install-service',
    type: 'bool',
    usage: 'Install patienced as a system service (systemd or launchd) under PREFIX; needs root unless DESTDIR is set',
  },
  {
    name: 'uninstall-service',
    type: 'bool',
    usage:
      'Remove the service that -install-service installed (PURGE=1 also removes its configuration, data, logs and user)',
  },
];

/** Go's flag package answers -h and -help (and --help) with the usage text. */
export const HELP_FLAGS = ['h', 'help'] as const;

export type FlagsResult =
  | { readonly ok: true; readonly values: ReadonlyMap<string, string> }
  | { readonly ok: false; readonly message: string };

function flagTypes(): Map<string, 'string' | 'bool'> {
  const types = new Map<string, 'string' | 'bool'>();
  for (const f of FIELDS) types.set(KEYS[f].flag, KEYS[f].type.flagType === 'bool' ? 'bool' : 'string');
  for (const c of COMMAND_FLAGS) types.set(c.name, c.type);
  for (const h of HELP_FLAGS) types.set(h, 'bool');
  return types;
}

/** The normaliser: Go's -long is parseArgs' --long. Arguments after "--" stay as they are. */
export function goToLongFlags(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  return argv.map((a, i) => ((end < 0 || i < end) && /^-[^-]/.test(a) ? `-${a}` : a));
}

const fail = (message: string): FlagsResult => ({ ok: false, message: `${message} (${USAGE_HINT})` });

/**
 * "-socket", "--port=1": one of patienced's own flags. Any other word is a value, as in Go
 * ("-log-file -odd" is a file named -odd; "-max-age -1h" is a bad duration).
 */
function namesAFlag(word: string | undefined, types: ReadonlyMap<string, unknown>): boolean {
  const m = /^--?([^=]+)/.exec(word ?? '');
  return m !== null && types.has(m[1] ?? '');
}

/**
 * Reads argv into raw text per flag name (no dashes), the last occurrence winning. A bare
 * boolean reads "true"; values are checked later, where the config key is known.
 */
export function parseFlags(argv: readonly string[]): FlagsResult {
  const types = flagTypes();
  const options = Object.fromEntries(
    [...types].map(([name, type]) => [name, { type: type === 'bool' ? ('boolean' as const) : ('string' as const) }]),
  );
  // strict: false so that booleans keep an inline "=false" and every problem is reported
  // below in Go's words, naming the flag as the user wrote it.
  const { tokens } = parseArgs({
    args: goToLongFlags(argv),
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values = new Map<string, string>();
  let bareBool: string | undefined;
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      const hint = bareBool === undefined ? '' : `; to set a boolean flag write ${bareBool}=${t.value}`;
      return fail(`unexpected argument ${JSON.stringify(t.value)}: patienced takes only flags${hint}`);
    }
    const written = (argv[t.index] ?? t.rawName).split('=')[0] ?? t.rawName;
    const type = types.get(t.name);
    bareBool = undefined;
    if (type === undefined) return fail(`flag provided but not defined: ${written}`);
    if (type === 'bool') {
      values.set(t.name, t.value ?? 'true');
      if (t.value === undefined) bareBool = written;
    } else if (t.value === undefined) {
      return fail(`flag needs an argument: ${written}`);
    } else if (!t.inlineValue && namesAFlag(argv[t.index + 1], types)) {
      // parseArgs took the next flag as this one's value: the value is what is missing.
      const next = argv[t.index + 1] ?? '';
      return fail(
        `flag needs an argument: ${written} (the next argument, ${JSON.stringify(next)}, is a flag; write ${written}=VALUE for a value that starts with a dash)`,
      );
    } else {
      // parseArgs saw the normalised argv; a separate value is taken as the user wrote it.
      values.set(t.name, t.inlineValue ? t.value : (argv[t.index + 1] ?? t.value));
    }
  }
  return { ok: true, values };
}
