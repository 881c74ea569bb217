// --debug-config: every effective setting of the run, as it was given, and where it came
// from (the default, a config file's key and line, an env var, a flag). Printed on stdout
// (it is what was asked for); nothing runs. Values are shown redacted, as a run record
// would carry them.
import { redact } from '../shared/redact.ts';
import { commandLine } from './command-line.ts';
import type { Source } from './option-values.ts';
import { findOption } from './options.ts';
import type { RunSettings, SettingOrigin } from './settings.ts';

export interface DebugContext {
  /** The config file that was read, if any. */
  configFile: string | undefined;
  /** The socket the run would be reported to, and where that came from. */
  socket: { path: string; from: string };
}

/** Shown in the config file's line, so that the reader knows where one would go. */
const SEARCHED = './.patience.toml, ./patience.toml, $XDG_CONFIG_HOME/patience/config.toml';
/** Options about this invocation itself, not settings of the run. */
const NOT_SETTINGS = new Set(['config', 'debug-config']);

export function renderDebugConfig(s: RunSettings, ctx: DebugContext): string {
  const rows = s.origins.filter((o) => !NOT_SETTINGS.has(o.key)).flatMap(rowsOf);
  const keyWidth = Math.max(...rows.map((r) => r[0]?.length ?? 0));
  const valueWidth = Math.min(40, Math.max(...rows.map((r) => r[1]?.length ?? 0)));
  const lines = [
    `Settings of patience ${s.strategy} (nothing is run), later sources win: default < file < env < flag`,
    ...rows.map(([k, v, from]) =>
      `  ${(k ?? '').padEnd(keyWidth)}  ${(v ?? '').padEnd(valueWidth)}  ${from}`.trimEnd(),
    ),
    `Config file: ${ctx.configFile ?? `none (looked for ${SEARCHED})`}`,
    s.report ? `Reports to: ${ctx.socket.path} (${ctx.socket.from})` : 'Reports to: nothing (--no-report)',
    `Command: ${s.command.length === 0 ? '(none given)' : oneLine(redact(commandLine(s.command)))}`,
    '',
  ];
  return lines.join('\n');
}

/** An option's row; a flag given several times (--label) gets one row each. */
function rowsOf(o: SettingOrigin): string[][] {
  if (o.raw === undefined) {
    // A switch nothing turned on is off, by default.
    return [findOption(o.key)?.kind === 'bool' ? [o.key, 'false', 'default'] : [o.key, '(not set)', '']];
  }
  const values = Array.isArray(o.raw) && o.key === 'label' ? (o.raw as unknown[]) : [o.raw];
  return values.map((v) => [o.key, shown(v), sourceText(o.source)]);
}

export function sourceText(src: Source): string {
  switch (src.kind) {
    case 'default':
      return 'default';
    case 'flag':
      return `flag ${src.flag}`;
    case 'env':
      return `env ${src.name}`;
    case 'file':
      return `file ${src.file}${src.line === undefined ? '' : ` line ${src.line}`} (${src.key})`;
  }
}

/** A value on one line: text as it is unless it holds spaces or control characters, anything else as JSON. */
function shown(raw: unknown): string {
  if (typeof raw === 'string') {
    const text = redact(raw);
    return text !== '' && !/[\s\p{Cc}"]/u.test(text) ? text : JSON.stringify(text);
  }
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const redacted = Object.fromEntries(
      Object.entries(raw).map(([k, v]) => [k, typeof v === 'string' ? redact(v) : v]),
    );
    return JSON.stringify(redacted);
  }
  return typeof raw === 'number' || typeof raw === 'boolean' ? String(raw) : JSON.stringify(raw);
}

/** Text that cannot move the terminal's cursor or start a new line: control characters make it JSON. */
function oneLine(text: string): string {
  return /\p{Cc}/u.test(text) ? JSON.stringify(text) : text;
}
