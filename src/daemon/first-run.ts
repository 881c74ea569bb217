// What a person who starts patienced at a terminal needs next: where the dashboard is, and
// one patience command that will show up on it. Only for a terminal: on a pipe, under a
// service manager or in the -daemon child, the output stays the JSON log lines alone.

import { KEYS } from './config/index.ts';

/** socket_path's default, the original daemon's: a plain `patience` reports there without being told. */
const DEFAULT_SOCKET_PATH = KEYS.socketPath.default;

export const TRY_COMMAND = 'patience exponential -a 3 -- curl -fsS https://example.com';

type Stream = NodeJS.WritableStream & { isTTY?: boolean };

/**
 * Where the banner goes: stderr when it is a terminal (where the readable log lines go, see
 * logger.ts), else stdout when that one is; undefined when neither is, and nothing is said.
 */
export function bannerStream(stderr: Stream, stdout: Stream | undefined): Stream | undefined {
  if (stderr.isTTY === true) return stderr;
  if (stdout?.isTTY === true) return stdout;
  return undefined;
}

export interface BannerFacts {
  /** The bound "host:port" ("[::1]:8080" for IPv6), or "" when HTTP is off. */
  readonly httpAddress: string;
  readonly socketPath: string;
  readonly logFile: string | undefined;
}

/** The dashboard's address. A wildcard bind is reached from this host through loopback. */
export function dashboardUrl(httpAddress: string): string {
  const local = httpAddress.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
  return `http://${local}/`;
}

/** A word as a POSIX shell reads it back unchanged. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export function startBanner(facts: BannerFacts): string {
  const socket = facts.socketPath === DEFAULT_SOCKET_PATH ? '' : `RETRY_SOCKET_PATH=${shellWord(facts.socketPath)} `;
  const lines = [
    '',
    'patienced is running.',
    facts.httpAddress === ''
      ? '  Dashboard:  off (enable_http is false)'
      : `  Dashboard:  ${dashboardUrl(facts.httpAddress)}`,
    `  Try:        ${socket}${TRY_COMMAND}`,
    `              (patience reports each run to ${facts.socketPath}; Ctrl-C stops patienced)`,
  ];
  if (facts.logFile !== undefined) lines.push(`  Logs:       ${facts.logFile}`);
  return `${lines.join('\n')}\n\n`;
}
