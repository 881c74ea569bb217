// patienced configuration: the public surface. See load.ts for the layering rules.
export { loadConfig, type Action, type LoadOptions, type LoadResult, type ServiceAction } from './load.ts';
export { usageText } from './usage.ts';
export {
  describeConfig,
  describeSource,
  type ConfigReportRow,
  type ConfigSource,
  type ConfigSources,
} from './sources.ts';
export { DEFAULT_CONFIG_PATH, KEYS, LOG_LEVELS, type ConfigField, type DaemonConfig, type LogLevel } from './schema.ts';
export { USAGE_HINT } from './flags.ts';
export type { ReadFile } from './file.ts';
