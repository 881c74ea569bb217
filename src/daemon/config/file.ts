// The JSON config file: read it, parse it, and refuse keys that patienced does not know, so
// that a typo is an error rather than a setting silently ignored.
import { readFileSync } from 'node:fs';
import { FIELDS, KEYS, fieldOfKey, type ConfigField } from './schema.ts';

export type ReadFile = (path: string) => string;

export const readFileUtf8: ReadFile = (path) => readFileSync(path, 'utf8');

export interface FileChoice {
  readonly path: string;
  /** Who named the file ("flag -config", "RETRY_CONFIG"); undefined for the default path. */
  readonly givenBy: string | undefined;
}

export type FileResult =
  | { readonly ok: true; readonly path: string | undefined; readonly values: ReadonlyMap<ConfigField, unknown> }
  | { readonly ok: false; readonly message: string };

function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Reads the chosen file. A missing default file is no file at all; a missing named one is an error. */
export function readConfigFile(choice: FileChoice, readFile: ReadFile): FileResult {
  let text: string;
  try {
    text = readFile(choice.path);
  } catch (err) {
    const code = errorCode(err);
    const missing = code === 'ENOENT' || code === 'ENOTDIR';
    if (missing && choice.givenBy === undefined) return { ok: true, path: undefined, values: new Map() };
    if (missing)
      return { ok: false, message: `config file ${choice.path} (given by ${choice.givenBy}) does not exist` };
    return { ok: false, message: `cannot read config file ${choice.path}: ${errorMessage(err)}` };
  }
  const parsed = parseJson(text.replace(/^\uFEFF/, ''));
  if (!parsed.ok) return { ok: false, message: `invalid JSON in config file ${choice.path}: ${parsed.reason}` };
  const doc = parsed.value;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    const got = doc === null ? 'null' : Array.isArray(doc) ? 'an array' : `a ${typeof doc}`;
    return { ok: false, message: `config file ${choice.path} must hold a JSON object of settings, not ${got}` };
  }
  const values = new Map<ConfigField, unknown>();
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    const field = fieldOfKey(key);
    if (field === undefined)
      unknown.push(`unknown key ${JSON.stringify(key)} in config file ${choice.path}${suggest(key)}`);
    else values.set(field, value);
  }
  if (unknown.length > 0) return { ok: false, message: unknown.join('\n') };
  return { ok: true, path: choice.path, values };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    const reason = errorMessage(err);
    const at = /at position (\d+)/.exec(reason);
    if (at === null) return { ok: false, reason };
    const before = text.slice(0, Number(at[1])).split('\n');
    return { ok: false, reason: `${reason} (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})` };
  }
}

function suggest(key: string): string {
  const keys = FIELDS.map((f) => KEYS[f].key);
  const near = keys.find((k) => editDistance(k, key.toLowerCase()) <= 2);
  return near === undefined ? ` (known keys: ${keys.join(', ')})` : ` (did you mean ${JSON.stringify(near)}?)`;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
