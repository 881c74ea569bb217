// -daemon: the parent starts this same program again, detached (a new session, stdio on
// /dev/null, logs to a file), waits until the child says over an IPC channel that it is
// listening, prints its PID and returns. A child that fails says why, and the parent
// prints that and fails too. The child runs exactly what a foreground start runs.
import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import type { DaemonConfig } from './config/index.ts';

/** Marks the child, so that it reports to its parent; removed from its environment at once. */
export const DETACHED_ENV = 'PATIENCED_DETACHED';

/** How long the parent waits for the child to be listening (it opens the store first). */
const READY_TIMEOUT_MS = 30_000;

export interface ReadyInfo {
  pid: number;
  socket: string;
  /** "host:port", or "" when HTTP is disabled. */
  http: string;
  logFile: string | undefined;
}

export type ChildReport = { type: 'ready'; info: ReadyInfo } | { type: 'failed'; message: string; exitCode: number };

/** The child's side: how start-up went, told to the waiting parent. */
export interface Readiness {
  ready(info: ReadyInfo): void;
  /** Resolves once the message is sent, so that the child may exit right after. */
  failed(message: string, exitCode: number): Promise<void>;
}

interface IpcProcess {
  send?: (message: ChildReport, callback: (err: Error | null) => void) => boolean;
  disconnect?: () => void;
}

/** The child's end of the channel, or undefined when there is no parent waiting. */
export function ipcReadiness(proc: IpcProcess): Readiness | undefined {
  const { send, disconnect } = proc;
  if (!send || !disconnect) return undefined;
  const tell = (report: ChildReport): Promise<void> =>
    new Promise((resolve) => {
      try {
        send.call(proc, report, () => {
          // The parent may have gone (Ctrl-C while it waited): nothing more to tell.
          try {
            disconnect.call(proc);
          } catch {
            // already disconnected
          }
          resolve();
        });
      } catch {
        resolve();
      }
    });
  return {
    ready: (info) => void tell({ type: 'ready', info }),
    failed: (message, exitCode) => tell({ type: 'failed', message, exitCode }),
  };
}

/** Where -daemon logs when log_file is unset: beside the pid file (/tmp/retry-daemon.log). */
export function defaultLogFile(pidFile: string): string {
  return pidFile.endsWith('.pid') ? `${pidFile.slice(0, -4)}.log` : `${pidFile}.log`;
}

/** The child's arguments: the parent's, less -daemon, plus -log-file when none is set. */
export function childArguments(argv: readonly string[], logFile: string | undefined): string[] {
  const args = argv.filter((a) => !/^--?daemon(=.*)?$/.test(a));
  return logFile === undefined ? args : [...args, '-log-file', logFile];
}

export interface SelfCommand {
  execPath: string;
  execArgv: readonly string[];
  /** The program's own file: the bundle, or the source entry under tsx. */
  script: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export interface DetachDeps {
  self: SelfCommand;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  spawn?: typeof nodeSpawn;
  timeoutMs?: number;
  /** How long each of SIGTERM and SIGKILL may take to end a child that never got ready. */
  killWaitMs?: number;
}

const KILL_WAIT_MS = 5000;

/**
 * Ends a child that never got ready: SIGTERM, then SIGKILL (a child blocked in a system call
 * never runs its SIGTERM handler), each with a bounded wait for its exit. Says what happened,
 * truthfully: the exit event of our own child comes only once the kernel has reaped it.
 */
async function stopForReal(child: ChildProcess, exited: () => boolean, waitMs: number): Promise<string> {
  const gone = (): Promise<boolean> =>
    new Promise((resolve) => {
      if (exited()) return resolve(true);
      const timer = setTimeout(() => resolve(exited()), waitMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  child.kill('SIGTERM');
  if (await gone()) return 'was stopped';
  child.kill('SIGKILL');
  if (await gone()) return 'was killed (it ignored SIGTERM)';
  child.unref();
  return `could not be stopped: it is still running after SIGKILL; 'kill -9 ${child.pid}' as root`;
}

export async function startDetached(argv: readonly string[], config: DaemonConfig, deps: DetachDeps): Promise<number> {
  const { self } = deps;
  const logFile = config.logFile ?? defaultLogFile(config.pidFile);
  const inherited = self.execArgv.filter((a) => !a.startsWith('--inspect'));
  const args = [
    // An inspector port cannot be shared with the parent.
    ...inherited,
    self.script,
    ...childArguments(argv, config.logFile === undefined ? logFile : undefined),
  ];
  const spawn = deps.spawn ?? nodeSpawn;
  let child: ChildProcess;
  try {
    child = spawn(self.execPath, args, {
      detached: true,
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      cwd: self.cwd,
      env: { ...self.env, [DETACHED_ENV]: '1' },
    });
  } catch (err) {
    deps.stderr.write(`patienced: cannot start the background process: ${(err as Error).message}\n`);
    return 1;
  }

  let exited = false;
  child.once('exit', () => (exited = true));
  const outcome = await firstReport(child, logFile, deps.timeoutMs ?? READY_TIMEOUT_MS);

  if (outcome.type === 'late') {
    const why = `the background process (pid ${child.pid}) did not start within ${(deps.timeoutMs ?? READY_TIMEOUT_MS) / 1000}s`;
    const stopped = await stopForReal(child, () => exited, deps.killWaitMs ?? KILL_WAIT_MS);
    deps.stderr.write(`patienced: ${why} and ${stopped}; see ${logFile}\n`);
    if (child.connected) child.disconnect();
    return 1;
  }
  if (child.connected) child.disconnect();
  child.unref();
  if (outcome.type === 'ready') {
    const { info } = outcome;
    deps.stdout.write(
      `patienced started (pid ${info.pid})\n` +
        `  socket  ${info.socket}\n` +
        `  http    ${info.http || 'disabled'}\n` +
        `  log     ${info.logFile ?? logFile}\n`,
    );
    return 0;
  }
  deps.stderr.write(`patienced: ${outcome.message}\n`);
  return outcome.type === 'failed' ? outcome.exitCode : 1;
}

type FirstReport = ChildReport | { type: 'gone'; message: string } | { type: 'late' };

/** The child's report (ready or failed), its death before it reported, or nothing in time. */
function firstReport(child: ChildProcess, logFile: string, timeoutMs: number): Promise<FirstReport> {
  return new Promise<FirstReport>((resolve) => {
    const onMessage = (m: ChildReport): void => settle(m);
    const onError = (err: Error): void =>
      settle({ type: 'gone', message: `cannot start the background process: ${err.message}` });
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      settle({
        type: 'gone',
        message: `the background process exited (${signal ?? `code ${code}`}) before it was listening; see ${logFile}`,
      });
    const timer = setTimeout(() => settle({ type: 'late' }), timeoutMs);
    const settle = (result: FirstReport): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('error', onError);
      child.off('exit', onExit);
      resolve(result);
    };
    child.on('message', onMessage);
    child.on('error', onError);
    child.on('exit', onExit);
  });
}
