// Where each setting came from, so that errors and the daemon's reports can say so.
import { FIELDS, KEYS, type ConfigField, type DaemonConfig } from './schema.ts';

export type ConfigSource =
  | { readonly kind: 'default' }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'env'; readonly name: string }
  /** name as Go writes it, "-port", whichever dashes were typed. */
  | { readonly kind: 'flag'; readonly name: string };

export type ConfigSources = { readonly [F in ConfigField]: ConfigSource };

/** "default", "config file /etc/x.json", "RETRY_HTTP_PORT", "flag -port". */
export function describeSource(source: ConfigSource): string {
  switch (source.kind) {
    case 'default':
      return 'default';
    case 'file':
      return `config file ${source.path}`;
    case 'env':
      return source.name;
    case 'flag':
      return `flag ${source.name}`;
  }
}

export interface ConfigReportRow {
  /** The config-file key, e.g. "http_port". */
  readonly key: string;
  /** The value as a user would write it: "8080", "24h0m0s", "0660"; "" when unset. */
  readonly value: string;
  readonly source: ConfigSource;
  /** describeSource(source). */
  readonly from: string;
}

/** One row per setting, in the order of the config table, for logs and the stats API. */
export function describeConfig(config: DaemonConfig, sources: ConfigSources): ConfigReportRow[] {
  return FIELDS.map((f) => row(f, config, sources));
}

function row<F extends ConfigField>(field: F, config: DaemonConfig, sources: ConfigSources): ConfigReportRow {
  const spec = KEYS[field];
  const source = sources[field];
  return { key: spec.key, value: spec.type.show(config[field]), source, from: describeSource(source) };
}
