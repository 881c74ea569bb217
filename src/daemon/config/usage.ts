// `patienced -h`: the original daemon's usage block in the format of Go's flag.PrintDefaults (sorted,
// type word, usage on the next line, "(default …)" unless the default is the zero value),
// with the flags added since, so the text is generated from the same table as the parser.
import { COMMAND_FLAGS } from './flags.ts';
import { DEFAULT_CONFIG_PATH, FIELDS, KEYS, type ConfigField } from './schema.ts';

interface Entry {
  readonly name: string;
  readonly type: 'string' | 'int' | 'duration' | 'bool';
  readonly usage: string;
  /** The default as shown, or undefined when Go would omit it (zero value). */
  readonly shown: string | undefined;
}

function goDefault(type: Entry['type'], shown: string): string | undefined {
  switch (type) {
    case 'bool':
      return shown === 'true' ? 'true' : undefined;
    case 'string':
      return shown === '' ? undefined : JSON.stringify(shown);
    case 'int':
      return shown === '0' ? undefined : shown;
    case 'duration':
      return shown === '0s' ? undefined : shown;
  }
}

function keyEntry<F extends ConfigField>(field: F): Entry {
  const spec = KEYS[field];
  const type = spec.type.flagType;
  return { name: spec.flag, type, usage: spec.usage, shown: goDefault(type, spec.type.show(spec.default)) };
}

export function usageText(): string {
  const entries: Entry[] = [
    ...FIELDS.map(keyEntry),
    ...COMMAND_FLAGS.map((c) => ({ name: c.name, type: c.type, usage: c.usage, shown: undefined })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines = ['Usage: patienced [options]', '', 'Options:'];
  for (const e of entries) {
    lines.push(e.type === 'bool' ? `  -${e.name}` : `  -${e.name} ${e.type}`);
    lines.push(`        ${e.usage}${e.shown === undefined ? '' : ` (default ${e.shown})`}`);
  }
  lines.push(
    '',
    'Settings are layered: defaults, then the config file (-config, else RETRY_CONFIG,',
    `else ${DEFAULT_CONFIG_PATH} if it exists), then RETRY_* environment`,
    'variables (RETRY_HTTP_PORT, ...), then flags; each layer overrides the one before.',
    'Flags take one or two dashes; booleans are set false with -flag=false.',
    '',
    '-install-service and -uninstall-service run the scripts/install.sh and uninstall.sh',
    'that come with patienced. PREFIX (default /usr/local) says where it is installed;',
    'DESTDIR=/some/dir stages the files there instead, without root, users or services.',
  );
  return `${lines.join('\n')}\n`;
}
