// patienced's configuration, decided once at the edge: defaults < config file < RETRY_* env
// vars < flags. Pure apart from the injected readFile; the caller prints and exits.
import { COMMAND_FLAGS, parseFlags } from './flags.ts';
import { readConfigFile, readFileUtf8, type FileChoice, type ReadFile } from './file.ts';
import { DEFAULT_CONFIG_PATH, FIELDS, KEYS, type ConfigField, type DaemonConfig } from './schema.ts';
import { describeSource, type ConfigSource, type ConfigSources } from './sources.ts';
import { usageText } from './usage.ts';
import { boolean, type Checked } from './value-types.ts';

export type ServiceAction = 'install-service' | 'uninstall-service';

export type Action = 'run' | 'daemon' | 'status' | 'stop' | 'version' | 'help' | ServiceAction;

export type LoadResult =
  | {
      readonly kind: 'config';
      readonly action: 'run' | 'daemon' | 'status' | 'stop';
      readonly config: DaemonConfig;
      readonly sources: ConfigSources;
      /** The config file that was read, if any. */
      readonly configFile: string | undefined;
      /** Values taken that were probably not meant (a sub-second integer duration); logged at start-up. */
      readonly warnings: readonly string[];
    }
  /** -version needs no config, so that a broken config file cannot hide the version. */
  | { readonly kind: 'version'; readonly action: 'version' }
  /**
   * -install-service, -uninstall-service: they read no config either, so that a broken
   * daemon.json cannot stand in the way of removing the service that reads it.
   */
  | { readonly kind: 'service'; readonly action: ServiceAction }
  | { readonly kind: 'help'; readonly action: 'help'; readonly text: string; readonly exitCode: 0 }
  | { readonly kind: 'error'; readonly message: string; readonly exitCode: 2 };

export interface LoadOptions {
  /** Arguments after the program name. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile?: ReadFile;
  /** Read when neither -config nor RETRY_CONFIG names a file, if it exists. */
  readonly defaultConfigPath?: string;
}

const failure = (message: string): LoadResult => ({ kind: 'error', message, exitCode: 2 });

export function loadConfig(options: LoadOptions): LoadResult {
  const { argv, env, readFile = readFileUtf8, defaultConfigPath = DEFAULT_CONFIG_PATH } = options;
  const flags = parseFlags(argv);
  if (!flags.ok) return failure(flags.message);

  const commands = new Map<string, boolean>();
  for (const name of ['h', 'help', ...COMMAND_FLAGS.filter((c) => c.type === 'bool').map((c) => c.name)]) {
    const text = flags.values.get(name);
    if (text === undefined) continue;
    const checked = boolean().fromText(text);
    if (!checked.ok) return failure(`invalid value ${quote(text)} for flag -${name}: ${checked.reason}`);
    commands.set(name, checked.value);
  }
  if (commands.get('h') === true || commands.get('help') === true) {
    return { kind: 'help', action: 'help', text: usageText(), exitCode: 0 };
  }
  const chosen = (['daemon', 'status', 'stop', 'version', 'install-service', 'uninstall-service'] as const).filter(
    (c) => commands.get(c) === true,
  );
  if (chosen.length > 1) {
    return failure(`flags ${chosen.map((c) => `-${c}`).join(' and ')} cannot be used together: choose one`);
  }
  const action = chosen[0] ?? 'run';
  if (action === 'version') return { kind: 'version', action };
  if (action === 'install-service' || action === 'uninstall-service') {
    // A setting given here would be silently lost: the service reads its own daemon.json.
    const others = [...flags.values.keys()].filter((name) => name !== action && commands.get(name) !== false);
    if (others.length > 0) {
      return failure(
        `-${action} takes no other flags (got ${others.map((o) => `-${o}`).join(', ')}): the service reads ` +
          'PREFIX/etc/retry/daemon.json, and PREFIX and DESTDIR are environment variables',
      );
    }
    return { kind: 'service', action };
  }

  const file = readConfigFile(chooseFile(flags.values.get('config'), env, defaultConfigPath), readFile);
  if (!file.ok) return failure(file.message);

  const errors: string[] = [];
  const warnings: string[] = [];
  const config = {} as { -readonly [F in ConfigField]: DaemonConfig[F] };
  const sources = {} as { -readonly [F in ConfigField]: ConfigSource };
  const layers: Layers = { filePath: file.path, file: file.values, env, flags: flags.values };
  for (const field of FIELDS) resolve(field, layers, config, sources, { errors, warnings });
  if (errors.length > 0) return failure(errors.join('\n'));
  return {
    kind: 'config',
    action,
    config: Object.freeze(config),
    sources: Object.freeze(sources),
    configFile: file.path,
    warnings,
  };
}

function chooseFile(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  defaultPath: string,
): FileChoice {
  if (flag !== undefined && flag !== '') return { path: flag, givenBy: 'flag -config' };
  const fromEnv = env['RETRY_CONFIG'];
  if (fromEnv !== undefined && fromEnv !== '') return { path: fromEnv, givenBy: 'RETRY_CONFIG' };
  return { path: defaultPath, givenBy: undefined };
}

interface Layers {
  readonly filePath: string | undefined;
  readonly file: ReadonlyMap<ConfigField, unknown>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly flags: ReadonlyMap<string, string>;
}

/** Takes the highest layer that sets the field; every value given is checked, even one overridden. */
function resolve<F extends ConfigField>(
  field: F,
  layers: Layers,
  config: { -readonly [K in ConfigField]: DaemonConfig[K] },
  sources: { -readonly [K in ConfigField]: ConfigSource },
  found: { errors: string[]; warnings: string[] },
): void {
  const spec = KEYS[field];
  config[field] = spec.default;
  sources[field] = { kind: 'default' };
  const take = (source: ConfigSource, raw: unknown, checked: Checked<DaemonConfig[F]>): void => {
    if (checked.ok) {
      config[field] = checked.value;
      sources[field] = source;
      if (checked.warning !== undefined)
        found.warnings.push(`${spec.key} ${quote(raw)} from ${describeSource(source)}: ${checked.warning}`);
    } else {
      found.errors.push(`invalid ${spec.key} ${quote(raw)} from ${describeSource(source)}: ${checked.reason}`);
    }
  };
  if (layers.filePath !== undefined && layers.file.has(field)) {
    const raw = layers.file.get(field);
    take({ kind: 'file', path: layers.filePath }, raw, spec.type.fromJson(raw));
  }
  const fromEnv = layers.env[spec.env];
  if (fromEnv !== undefined && fromEnv !== '')
    take({ kind: 'env', name: spec.env }, fromEnv, spec.type.fromText(fromEnv));
  const fromFlag = layers.flags.get(spec.flag);
  if (fromFlag !== undefined) take({ kind: 'flag', name: `-${spec.flag}` }, fromFlag, spec.type.fromText(fromFlag));
}

/** A value as it appears in an error: JSON-quoted, so spaces and control characters show. */
function quote(raw: unknown): string {
  const text = JSON.stringify(raw) ?? String(raw);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
