// Where `patience runs` and `patience stats` find the daemon's HTTP API: --daemon-url,
// else PATIENCE_DAEMON_URL, else daemon_url in the config file the strategies read
// (src/cli/config.ts), else http://127.0.0.1:8080, patienced's default. The file is
// read only when neither of the first two is set, so a broken file does not stand in
// the way of an explicit URL.
import { existsSync, readFileSync } from 'node:fs';
import { fileDaemonUrl, findConfigFile, readConfigFile } from '../config.ts';
import { UsageError } from '../errors.ts';
import { daemonUrlProblem, shownUrl } from './daemon-url-check.ts';

export const DEFAULT_DAEMON_URL = 'http://127.0.0.1:8080';
export const DAEMON_URL_ENV = 'PATIENCE_DAEMON_URL';

export interface DaemonUrlSources {
  flag: string | undefined;
  /** --config FILE. */
  configPath: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  exists?: (path: string) => boolean;
  read?: (path: string) => string;
}

export interface DaemonUrl {
  url: URL;
  /** For messages: without credentials. */
  shown: string;
}

export function findDaemonUrl(s: DaemonUrlSources): DaemonUrl {
  if (s.flag !== undefined) return checked(s.flag, '--daemon-url');
  const fromEnv = s.env[DAEMON_URL_ENV];
  // An empty value counts as unset, as with every PATIENCE_* variable.
  if (fromEnv !== undefined && fromEnv !== '') return checked(fromEnv, DAEMON_URL_ENV);
  const file = findConfigFile(s.configPath, s.cwd, s.env, s.exists ?? existsSync);
  if (file !== undefined) {
    const read = s.read ?? ((p: string) => readFileSync(p, 'utf8'));
    // fileDaemonUrl checks the value and names the file, key and line when it is wrong.
    const fromFile = fileDaemonUrl(file, readConfigFile(file, read));
    if (fromFile !== undefined) return toDaemonUrl(fromFile);
  }
  return toDaemonUrl(DEFAULT_DAEMON_URL);
}

function checked(raw: string, name: string): DaemonUrl {
  const problem = daemonUrlProblem(raw);
  if (problem !== undefined) throw new UsageError(`invalid value for ${name}: ${problem}`);
  return toDaemonUrl(raw);
}

function toDaemonUrl(text: string): DaemonUrl {
  const url = new URL(text);
  return { url, shown: shownUrl(url) };
}
