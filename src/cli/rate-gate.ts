// Which rate-limit gate a diophantine run uses: the local ledger alone, or (--daemon)
// patienced with the local ledger as its fallback.
import { createLedgerGate } from '../retry/ledger.ts';
import type { Gate } from '../retry/loop.ts';
import { createDaemonGate } from './daemon-gate.ts';
import { DEFAULT_SOCKET_PATH } from './report.ts';
import type { RunSettings } from './settings.ts';
import type { Exchange } from './socket-exchange.ts';

export interface GateDeps {
  env: Readonly<Record<string, string | undefined>>;
  now(): number;
  exchange: Exchange;
  /** Starts patienced on the socket (--daemon-auto-start); undefined when it runs, else the problem. */
  autoStartDaemon(socketPath: string): Promise<string | undefined>;
}

/** --daemon-socket, else RETRY_SOCKET_PATH, else /tmp/retry-daemon.sock. */
export function daemonSocketPath(
  s: Pick<RunSettings, 'daemonSocket'>,
  env: Readonly<Record<string, string | undefined>>,
): string {
  return s.daemonSocket ?? (env.RETRY_SOCKET_PATH || DEFAULT_SOCKET_PATH);
}

export function rateLimitGate(
  s: RunSettings,
  resource: string,
  stateDir: string,
  warn: (m: string) => void,
  d: GateDeps,
): Gate {
  const ledger = createLedgerGate({ stateDir, resource, rateLimit: s.rateLimit, windowMs: s.windowMs, warn });
  if (!s.daemon) return ledger;
  const socketPath = daemonSocketPath(s, d.env);
  return createDaemonGate({
    resource,
    rateLimit: s.rateLimit,
    windowMs: s.windowMs,
    socketPath,
    timeoutMs: s.daemonTimeoutMs,
    fallback: ledger,
    warn,
    now: d.now,
    exchange: d.exchange,
    autoStartDaemon: s.daemonAutoStart ? () => d.autoStartDaemon(socketPath) : undefined,
  });
}
