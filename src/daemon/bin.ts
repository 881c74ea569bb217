// Boots patienced: real process, streams and signals; everything else lives in main().
import { main } from './main.ts';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

main(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  onShutdownSignal(handler) {
    for (const s of SIGNALS) process.on(s, handler);
  },
  forceExit: (code) => process.exit(code),
}).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`patienced: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
