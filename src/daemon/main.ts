// patienced: read the configuration, run in the foreground until SIGINT or SIGTERM, then
// shut down in order. Returns the exit code; only bin.ts calls process.exit.
import { describeConfig, loadConfig } from './config/index.ts';
import { createLogger } from './logger.ts';
import { startDaemon } from './run.ts';
import { VERSION } from '../shared/version.ts';

export interface MainDeps {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Registers the handler for SIGINT and SIGTERM. */
  onShutdownSignal: (handler: (signal: string) => void) => void;
  /** Called when a second signal arrives while shutting down. */
  forceExit: (code: number) => void;
}

export async function main(argv: string[], deps: MainDeps): Promise<number> {
  const loaded = loadConfig({ argv, env: deps.env });
  if (loaded.kind === 'error') {
    deps.stderr.write(`patienced: ${loaded.message}\n`);
    return loaded.exitCode;
  }
  if (loaded.kind === 'help') {
    deps.stdout.write(loaded.text);
    return 0;
  }
  if (loaded.kind === 'version') {
    deps.stdout.write(`patienced version ${VERSION}\n`);
    return 0;
  }
  const { config, action } = loaded;
  if (action !== 'run') {
    deps.stderr.write(`patienced: -${action} is not available in this version yet; run patienced in the foreground\n`);
    return 2;
  }

  const { log, flush } = createLogger({ level: config.logLevel, file: config.logFile, stderr: deps.stderr });
  // Handlers go in before anything listens: a signal that arrives while starting up must
  // lead to an orderly stop, not to the default action that kills the process.
  let shuttingDown = false;
  const signalled = new Promise<string>((resolve) => {
    deps.onShutdownSignal((sig) => {
      if (shuttingDown) {
        log.warn({ signal: sig }, 'second signal: exiting at once');
        flush();
        deps.forceExit(1);
        return;
      }
      shuttingDown = true;
      resolve(sig);
    });
  });

  let daemon;
  try {
    daemon = await startDaemon(config, { log });
  } catch (err) {
    log.error({ err: (err as Error).message }, 'start-up failed');
    flush();
    deps.stderr.write(`patienced: ${(err as Error).message}\n`);
    return 1;
  }
  log.info(
    { version: VERSION, socket: config.socketPath, http: daemon.httpAddress || 'disabled', storage: config.dataFile ?? 'memory' },
    'patienced listening',
  );
  log.debug({ config: describeConfig(config, loaded.sources) }, 'configuration');

  const signal = await signalled;
  log.info({ signal }, 'shutting down');
  await daemon.stop();
  log.info({ stored: daemon.counters.received }, 'stopped');
  flush();
  return 0;
}
