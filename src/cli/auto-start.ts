// --daemon-auto-start: when no patienced answers on the socket, start one with
// `patienced -daemon -socket PATH -pid-file PATH.pid` from the bundle beside patience's
// own (dist/patienced.cjs beside dist/patience.cjs), run by this same node, never through
// a shell. Its pid file and log sit beside the socket (PATH.pid, PATH.log), so that
// `patienced -stop -socket PATH -pid-file PATH.pid` stops it.
import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `patienced -daemon` returns once its child listens; a start slower than this is given up on. */
export const AUTO_START_LIMIT_MS = 10_000;
const SHOWN_CHARS = 300;

export interface AutoStartOptions {
  socketPath: string;
  /** dist/patienced.cjs */
  bundle: string;
  execPath: string;
  env: Readonly<Record<string, string | undefined>>;
  limitMs?: number;
  spawn?: (
    file: string,
    args: readonly string[],
    o: { env: NodeJS.ProcessEnv; stdio: ['ignore', 'ignore', 'pipe'] },
  ) => ChildProcess;
  exists?: (path: string) => boolean;
}

/** The daemon bundle beside the CLI's own script. */
export function daemonBundle(cliScript: string): string {
  return join(dirname(cliScript), 'patienced.cjs');
}

export function autoStartPidFile(socketPath: string): string {
  return `${socketPath}.pid`;
}

export function autoStartArgs(bundle: string, socketPath: string): string[] {
  return [bundle, '-daemon', '-socket', socketPath, '-pid-file', autoStartPidFile(socketPath)];
}

/** Resolves undefined once `patienced -daemon` reports it is listening, else what went wrong. Never rejects. */
export function autoStartDaemon(o: AutoStartOptions): Promise<string | undefined> {
  if (!(o.exists ?? existsSync)(o.bundle)) {
    return Promise.resolve(`patienced is not installed beside patience (looked for ${o.bundle})`);
  }
  const spawn = o.spawn ?? ((file, args, opts) => nodeSpawn(file, args, opts));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(o.env)) if (v !== undefined) env[k] = v;
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(o.execPath, autoStartArgs(o.bundle, o.socketPath), { env, stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      resolve(`cannot run ${o.execPath}: ${(err as Error).message}`);
      return;
    }
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      if (stderr.length < SHOWN_CHARS) stderr += d;
    });
    const limitMs = o.limitMs ?? AUTO_START_LIMIT_MS;
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      resolve(`patienced -daemon did not report ready within ${limitMs / 1000}s`);
    }, limitMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve(`cannot run ${o.execPath}: ${err.message}`);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(undefined);
      const said = stderr.trim().split('\n')[0]?.slice(0, SHOWN_CHARS) ?? '';
      resolve(`patienced -daemon exited with ${signal ?? `code ${code}`}${said ? `: ${said}` : ''}`);
    });
  });
}
