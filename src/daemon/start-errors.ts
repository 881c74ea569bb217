// Start-up failures from listen(2), said in terms of the setting that caused them.
import type { DaemonConfig } from './config/schema.ts';

type ListenError = NodeJS.ErrnoException & { address?: unknown; port?: unknown };

export function describeStartError(
  err: unknown,
  config: Pick<DaemonConfig, 'httpHost' | 'httpPort' | 'socketPath'>,
): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as ListenError;
  if (e.syscall === 'listen' && e.address === config.socketPath) {
    return `cannot create the socket ${config.socketPath}: ${e.code ?? e.message}; check that its directory exists and is writable, or choose another socket_path (-socket)`;
  }
  if (e.syscall === 'getaddrinfo') {
    // listen() first resolves a name: one that resolves to nothing never reaches bind.
    return `cannot listen on HTTP host ${JSON.stringify(config.httpHost)}: it does not resolve to an address (${e.code ?? e.message}); set http_host (-host) to an address of this host such as 127.0.0.1 or ::1, or to a name that resolves to one`;
  }
  if (e.syscall === 'listen' || e.syscall === 'bind') {
    const host = typeof e.address === 'string' ? e.address : config.httpHost;
    const port = typeof e.port === 'number' && e.port >= 0 ? e.port : config.httpPort;
    const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    switch (e.code) {
      case 'EADDRINUSE':
        return `HTTP address ${where} is already in use by another process; stop it, or choose another port with -port (0 picks a free one)`;
      case 'EACCES':
        return `permission denied to listen on HTTP address ${where}; ports below 1024 need privileges: choose another port with -port`;
      case 'EADDRNOTAVAIL':
        return `cannot listen on HTTP address ${where}: ${host} is not an address of this host; check http_host (-host)`;
    }
  }
  return e.message;
}
