// patienced: read the configuration and do what it asks: run in the foreground, start in
// the background (-daemon), ask after (-status) or stop (-stop) the daemon that the same
// configuration names, or install or remove the service (-install-service,
// -uninstall-service). Returns the exit code; only bin.ts calls process.exit.
import { loadConfig } from './config/index.ts';
import { showStatus, stopDaemon } from './control.ts';
import { startDetached, type Readiness, type SelfCommand } from './daemonize.ts';
import { runForeground } from './foreground.ts';
import { runServiceScript } from './service-install.ts';
import { VERSION } from '../shared/version.ts';

export interface DaemonMainDeps {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Registers the handler for SIGINT and SIGTERM. */
  onShutdownSignal: (handler: (signal: string) => void) => void;
  /** Registers the handler for SIGHUP (reopen the log file). */
  onReopenSignal?: (handler: (signal: string) => void) => void;
  /** Called when a second signal arrives while shutting down. */
  forceExit: (code: number) => void;
  /** This process's PID (default process.pid). */
  pid?: number;
  /** How -daemon starts this program again (default: this process's own command). */
  self?: SelfCommand;
  /** Set in the child of -daemon. */
  readiness?: Readiness;
}

export async function main(argv: string[], deps: DaemonMainDeps): Promise<number> {
  const loaded = loadConfig({ argv, env: deps.env });
  if (loaded.kind === 'error') {
    deps.stderr.write(`patienced: ${loaded.message}\n`);
    await deps.readiness?.failed(loaded.message, loaded.exitCode);
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
  if (loaded.kind === 'service') {
    return runServiceScript(loaded.action, { env: deps.env, stderr: deps.stderr });
  }
  const { config } = loaded;
  const pid = deps.pid ?? process.pid;
  switch (loaded.action) {
    case 'run':
      return runForeground(config, loaded.sources, { ...deps, pid, configWarnings: loaded.warnings });
    case 'daemon':
      return startDetached(argv, config, {
        stdout: deps.stdout,
        stderr: deps.stderr,
        self: deps.self ?? {
          execPath: process.execPath,
          execArgv: process.execArgv,
          script: process.argv[1] ?? '',
          cwd: process.cwd(),
          env: deps.env,
        },
      });
    case 'status':
      return showStatus(config, { stdout: deps.stdout, stderr: deps.stderr, pid });
    case 'stop':
      return stopDaemon(config, { stdout: deps.stdout, stderr: deps.stderr, pid });
  }
}
