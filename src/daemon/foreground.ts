// patienced in the foreground (also what the -daemon child runs): pid file, start, wait for
// a signal, ordered stop. Returns the exit code.
import fs from 'node:fs';
import { describeConfig, type ConfigSources, type DaemonConfig } from './config/index.ts';
import { bannerStream, startBanner } from './first-run.ts';
import { createLogger, type DaemonLogger } from './logger.ts';
import { acquirePidFile } from './pidfile.ts';
import type { ProcessProbe } from './process-check.ts';
import { startServices, type RunningDaemon } from './run.ts';
import { describeStartError } from './start-errors.ts';
import type { Readiness } from './daemonize.ts';
import { VERSION } from '../shared/version.ts';

export interface ForegroundDeps {
  pid: number;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Only for the start-up banner, when stderr is no terminal but stdout is. */
  stdout?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Registers the handler for SIGINT and SIGTERM. */
  onShutdownSignal: (handler: (signal: string) => void) => void;
  /** Registers the handler for SIGHUP. */
  onReopenSignal?: (handler: (signal: string) => void) => void;
  /** Called when a second signal arrives while shutting down. */
  forceExit: (code: number) => void;
  /** Set in the child of -daemon: tells the waiting parent how start-up went. */
  readiness?: Readiness;
  probe?: ProcessProbe;
  /** Settings taken that were probably not meant (see loadConfig); each is logged as a warning. */
  configWarnings?: readonly string[];
}

export async function runForeground(
  config: DaemonConfig,
  sources: ConfigSources,
  deps: ForegroundDeps,
): Promise<number> {
  let logger: DaemonLogger;
  try {
    logger = createLogger({ level: config.logLevel, file: config.logFile, stderr: deps.stderr });
  } catch (err) {
    const message = (err as Error).message;
    deps.stderr.write(`patienced: ${message}\n`);
    await deps.readiness?.failed(message, 1);
    return 1;
  }
  const { log, flush } = logger;
  for (const warning of deps.configWarnings ?? []) log.warn(`configuration: ${warning}`);
  const fail = async (message: string): Promise<number> => {
    log.error({ err: message }, 'start-up failed');
    flush();
    deps.stderr.write(`patienced: ${message}\n`);
    await deps.readiness?.failed(message, 1);
    return 1;
  };

  const signals = watchSignals(config, deps, logger);
  const pidFile = acquirePidFile(config.pidFile, { pid: deps.pid, probe: deps.probe });
  if (!pidFile.ok) return fail(pidFile.message);
  if (pidFile.replaced) {
    // The PID it named, never the file's content.
    log.warn(
      { pid_file: config.pidFile, held_pid: pidFile.replaced.pid, why: pidFile.replaced.why },
      'replaced a stale pid file',
    );
  }
  signals.leaveNothingBehind(pidFile.release);

  let daemon: RunningDaemon;
  try {
    daemon = await startServices(config, { log, instance: pidFile.token });
  } catch (err) {
    pidFile.release();
    return fail(describeStartError(err, config));
  }
  signals.leaveNothingBehind(() => {
    pidFile.release();
    // Ours: it was created by this process's listen, so it is not another daemon's.
    fs.rmSync(config.socketPath, { force: true });
  });
  announce(daemon, config, sources, deps, log);

  const signal = await signals.signalled;
  log.info({ signal }, 'shutting down');
  await daemon.stop();
  pidFile.release();
  log.info({ stored: daemon.counters.received }, 'stopped');
  flush();
  return 0;
}

interface Signals {
  /** The first SIGINT or SIGTERM (or SIGHUP from a terminal that hung up). */
  signalled: Promise<string>;
  /** What a second signal removes before the forced exit: the pid file, then the socket too. */
  leaveNothingBehind(cleanup: () => void): void;
}

/**
 * Handlers go in before anything listens: a signal that arrives while starting up must
 * lead to an orderly stop, not to the default action that kills the process. A second one
 * exits at once; SIGHUP reopens the log file.
 */
function watchSignals(config: DaemonConfig, deps: ForegroundDeps, logger: DaemonLogger): Signals {
  const { log, flush } = logger;
  let shuttingDown = false;
  let leaveNothingBehind = (): void => undefined;
  let resolveSignal: (signal: string) => void = () => undefined;
  const signalled = new Promise<string>((resolve) => (resolveSignal = resolve));
  const onSignal = (sig: string): void => {
    if (shuttingDown) {
      log.warn({ signal: sig }, 'second signal: exiting at once');
      leaveNothingBehind();
      flush();
      deps.forceExit(1);
      return;
    }
    shuttingDown = true;
    resolveSignal(sig);
  };
  deps.onShutdownSignal(onSignal);
  deps.onReopenSignal?.((sig) => {
    if (config.logFile) {
      // logrotate renamed the file: new lines go to a new file at the configured path.
      const err = logger.reopen();
      if (err) log.error({ signal: sig, err: err.message }, 'log file not reopened; still writing to the old one');
      else log.info({ signal: sig, log_file: config.logFile }, 'log file reopened');
    } else if (deps.stderr.isTTY) {
      onSignal(sig); // the terminal hung up
    } else {
      log.info({ signal: sig }, 'no log_file to reopen; signal ignored');
    }
  });
  return { signalled, leaveNothingBehind: (cleanup) => (leaveNothingBehind = cleanup) };
}

/**
 * Says where the daemon listens, and tells a waiting -daemon parent it is ready. A person
 * at a terminal also learns where the dashboard is and what to try (first-run.ts).
 */
function announce(
  daemon: RunningDaemon,
  config: DaemonConfig,
  sources: ConfigSources,
  deps: ForegroundDeps,
  log: DaemonLogger['log'],
): void {
  log.info(
    {
      version: VERSION,
      socket: config.socketPath,
      http: daemon.httpAddress || 'disabled',
      storage: config.dataFile ?? 'memory',
    },
    'patienced listening',
  );
  log.debug({ config: describeConfig(config, sources) }, 'configuration');
  bannerStream(deps.stderr, deps.stdout)?.write(
    startBanner({ httpAddress: daemon.httpAddress, socketPath: config.socketPath, logFile: config.logFile }),
  );
  deps.readiness?.ready({
    pid: deps.pid,
    socket: config.socketPath,
    http: daemon.httpAddress,
    logFile: config.logFile,
  });
}
