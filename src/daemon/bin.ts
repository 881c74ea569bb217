// Boots patienced: real process, streams and signals; everything else lives in main().
import { main } from './main.ts';
import { DETACHED_ENV, ipcReadiness, type Readiness } from './daemonize.ts';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

// The child of -daemon reports to its waiting parent; the marker goes no further.
let readiness: Readiness | undefined;
if (process.env[DETACHED_ENV] === '1') {
  delete process.env[DETACHED_ENV];
  readiness = ipcReadiness(process);
}

main(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  onShutdownSignal(handler) {
    for (const s of SIGNALS) process.on(s, handler);
  },
  onReopenSignal(handler) {
    process.on('SIGHUP', handler);
  },
  forceExit: (code) => process.exit(code),
  readiness,
}).then(
  (code) => process.exit(code),
  async (err: unknown) => {
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`patienced: ${message}\n`);
    await readiness?.failed(message, 1);
    process.exit(1);
  },
);
