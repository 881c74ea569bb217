// Configuration from a TOML file and PATIENCE_* env vars, as raw entries with their
// source (file, key, line). Checking the values is settings.ts's job; here every key
// must be known, in the right table.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { STRATEGY_NAMES, type StrategyName } from '../retry/strategies/index.ts';
import { UsageError } from './errors.ts';
import { OPTIONS, fileKey, type OptionSpec } from './options.ts';
import { daemonUrlProblem } from './query/daemon-url-check.ts';
import type { Entry } from './option-values.ts';

export interface FileConfig {
  /** Top-level keys, then the running strategy's table (which overrides them). */
  active: Entry[];
  /** Other strategies' tables: still checked, never used. */
  others: Entry[];
}

/** --config FILE, else ./.patience.toml, ./patience.toml, else $XDG_CONFIG_HOME/patience/config.toml. */
export function findConfigFile(
  explicit: string | undefined,
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  if (explicit !== undefined) return resolve(cwd, explicit);
  const xdg = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return [join(cwd, '.patience.toml'), join(cwd, 'patience.toml'), join(xdg, 'patience', 'config.toml')].find(exists);
}

export function readConfigFile(file: string, read: (p: string) => string = (p) => readFileSync(p, 'utf8')): string {
  try {
    return read(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      `cannot read config file ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    );
  }
}

function parseFile(file: string, text: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const why = err.message.replace(/^Invalid TOML document: /, '').split('\n')[0];
    throw new UsageError(`${file} line ${err.line}: invalid TOML: ${why}`);
  }
}

/**
 * The daemon's HTTP address, for `patience runs` and `patience stats`: a top-level key
 * that the strategies check and otherwise skip (they talk to the daemon's socket).
 */
export const DAEMON_URL_KEY = 'daemon_url';

/** daemon_url of a config file, checked; undefined when the file sets none. */
export function fileDaemonUrl(file: string, text: string): string | undefined {
  const raw = parseFile(file, text)[DAEMON_URL_KEY];
  if (raw === undefined) return undefined;
  checkDaemonUrl(file, text, raw);
  return raw as string;
}

function checkDaemonUrl(file: string, text: string, raw: unknown): void {
  const problem = daemonUrlProblem(raw);
  if (problem === undefined) return;
  const line = locateKey(text, [DAEMON_URL_KEY]);
  throw new UsageError(`invalid value for ${DAEMON_URL_KEY} in ${file}${line ? ` line ${line}` : ''}: ${problem}`);
}

export function fileEntries(file: string, text: string, strategy: StrategyName): FileConfig {
  const doc = parseFile(file, text);
  const entry = (spec: OptionSpec, path: string[], raw: unknown): Entry => ({
    key: spec.key,
    raw,
    source: { kind: 'file', file, key: path.join('.'), line: locateKey(text, path) },
  });
  const unknownKey = (path: string[], why: string): UsageError => {
    const line = locateKey(text, path);
    return new UsageError(`unknown key '${path.join('.')}' in ${file}${line ? ` line ${line}` : ''}: ${why}`);
  };

  const top: Entry[] = [];
  const own: Entry[] = [];
  const others: Entry[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === DAEMON_URL_KEY) {
      checkDaemonUrl(file, text, value);
      continue;
    }
    const table = tableStrategy(key);
    if (!table) {
      const spec = fileOption(key);
      if (!spec) throw unknownKey([key], 'not a patience option');
      if (spec.only) throw unknownKey([key], `it belongs in a strategy table such as [${spec.only[0]}]`);
      top.push(entry(spec, [key], value));
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) {
      throw unknownKey([key], `a strategy's options go in a table: [${key}]`);
    }
    for (const [k, v] of Object.entries(value)) {
      const spec = fileOption(k);
      if (!spec || (spec.only && !spec.only.includes(table))) {
        throw unknownKey([key, k], `${table} has no such option (see patience ${table} --help)`);
      }
      (table === strategy ? own : others).push(entry(spec, [key, k], v));
    }
  }
  return { active: [...top, ...own], others };
}

function fileOption(key: string): OptionSpec | undefined {
  return OPTIONS.find((o) => !o.cliOnly && fileKey(o) === key);
}

/** [exponential] or [decorrelated_jitter]: the full strategy name, hyphens or underscores. */
function tableStrategy(key: string): StrategyName | undefined {
  return STRATEGY_NAMES.find((s) => s === key || s.replaceAll('-', '_') === key);
}

/** Env vars: PATIENCE_ATTEMPTS and friends. An empty value counts as unset. */
export function envEntries(env: Readonly<Record<string, string | undefined>>): Entry[] {
  const out: Entry[] = [];
  for (const spec of OPTIONS) {
    const raw = spec.env ? env[spec.env] : undefined;
    if (spec.env && raw !== undefined && raw !== '')
      out.push({ key: spec.key, raw, source: { kind: 'env', name: spec.env } });
  }
  return out;
}

/**
 * The 1-based line where a key is set, found by a light scan of the text (smol-toml keeps
 * no positions): table headers, dotted and quoted keys. Falls back to the parent's line.
 */
export function locateKey(text: string, path: readonly string[]): number | undefined {
  const lines = text.split('\n');
  let table: string[] = [];
  let multiline: string | undefined;
  const found = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (multiline) {
      if (line.includes(multiline)) multiline = undefined;
      continue;
    }
    const header = /^\s*\[([^[\]]+)\]\s*(?:#.*)?$/.exec(line);
    if (header) {
      table = splitKey(header[1] as string);
      if (!found.has(table.join('\0'))) found.set(table.join('\0'), i + 1);
      continue;
    }
    const assign =
      /^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=(.*)$/.exec(line);
    if (!assign) continue;
    const full = [...table, ...splitKey(assign[1] as string)];
    for (let n = 1; n <= full.length; n++) {
      const k = full.slice(0, n).join('\0');
      if (!found.has(k)) found.set(k, i + 1);
    }
    const rest = assign[2] as string;
    for (const q of ['"""', "'''"]) {
      const at = rest.indexOf(q);
      if (at >= 0 && rest.indexOf(q, at + 3) < 0) multiline = q;
    }
  }
  for (let n = path.length; n > 0; n--) {
    const line = found.get(path.slice(0, n).join('\0'));
    if (line !== undefined) return line;
  }
  return undefined;
}

function splitKey(text: string): string[] {
  const parts = text.match(/"[^"]*"|'[^']*'|[^.\s]+/g) ?? [];
  return parts.map((p) => (p.startsWith('"') || p.startsWith("'") ? p.slice(1, -1) : p));
}
