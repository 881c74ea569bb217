// What can go wrong between patience and the daemon, each with its exit code: the daemon
// cannot be reached or is not a patienced daemon (3), or it refused the query as a bad
// filter (2, like patience's own usage errors). Each message is one line, without the
// URL's credentials.

export const QUERY_EXIT = { ok: 0, usage: 2, daemon: 3 } as const;

const HINT = 'is patienced running? set --daemon-url or PATIENCE_DAEMON_URL';

/** Exit 3: the daemon is down, unreachable, too slow, broken, or not a patienced daemon. */
export class DaemonError extends Error {
  override readonly name = 'DaemonError';
}

export function unreachable(url: string, why: string): DaemonError {
  return new DaemonError(`cannot reach the daemon at ${url}: ${why} (${HINT})`);
}

export function notADaemon(url: string, path: string, why: string): DaemonError {
  return new DaemonError(`${url} does not answer as a patienced daemon (GET ${path}: ${why})`);
}

/** The daemon answered with an error of its own that is not about the query (421, 503, …). */
export function daemonFailed(url: string, path: string, status: number, code: string, text: string): DaemonError {
  return new DaemonError(`the daemon at ${url} answered GET ${path} with ${status} ${code}: ${text}`);
}

/** The stream of --follow ended while patience was still following it. */
export function streamEnded(url: string, why: string): DaemonError {
  return new DaemonError(`the daemon at ${url} ${why}; no longer following`);
}

/** Exit 2: the daemon refused the query (400): a filter it does not accept. */
export class QueryRefused extends Error {
  override readonly name = 'QueryRefused';
}
