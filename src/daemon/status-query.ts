// The client side of `patienced -status` and `-stop`: ask the running daemon who it is.
// The socket first (it answers whatever port HTTP got, and with HTTP off); then, when the
// socket cannot be reached (for example a user outside the socket's group), the HTTP API.
import net from 'node:net';
import type { DaemonConfig } from './config/index.ts';
import { STATUS_REQUEST, type DaemonStatus } from './status-request.ts';

export type Answer = { ok: true; via: 'socket' | 'http'; status: DaemonStatus } | { ok: false; why: string };

const TIMEOUT_MS = 3000;

export async function askDaemon(
  config: Pick<DaemonConfig, 'socketPath' | 'enableHttp' | 'httpHost' | 'httpPort'>,
  timeoutMs = TIMEOUT_MS,
): Promise<Answer> {
  let why: string;
  try {
    return { ok: true, via: 'socket', status: await askSocket(config.socketPath, timeoutMs) };
  } catch (err) {
    why = `socket ${config.socketPath}: ${(err as Error).message}`;
  }
  if (config.enableHttp && config.httpPort !== 0) {
    const url = `http://${loopbackFor(config.httpHost)}:${config.httpPort}/api/daemon/stats`;
    try {
      return { ok: true, via: 'http', status: await askHttp(url, timeoutMs) };
    } catch (err) {
      why += `; ${url}: ${(err as Error).message}`;
    }
  }
  return { ok: false, why };
}

/** Sends `{"type":"status"}` and reads the one reply line. */
export function askSocket(path: string, timeoutMs: number): Promise<DaemonStatus> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(path);
    let buf = '';
    const finish = (err: Error | undefined, status?: DaemonStatus): void => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else if (status) resolve(status);
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs / 1000}s`)), timeoutMs);
    sock.on('connect', () => sock.end(`${JSON.stringify(STATUS_REQUEST)}\n`));
    sock.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      const nl = buf.indexOf('\n');
      if (nl === -1) return;
      const status = statusFromReply(buf.slice(0, nl));
      if (status) finish(undefined, status);
      // What a stranger answered is not echoed to the terminal.
      else finish(new Error('the answer is not a patienced status'));
    });
    sock.on('error', (err: NodeJS.ErrnoException) =>
      finish(
        new Error(
          err.code === 'ENOENT' ? 'no such file' : err.code === 'ECONNREFUSED' ? 'nobody is listening' : err.message,
        ),
      ),
    );
    sock.on('close', () => finish(new Error('closed without an answer')));
  });
}

function statusFromReply(line: string): DaemonStatus | undefined {
  try {
    const reply = JSON.parse(line) as { status?: unknown; daemon?: unknown };
    const d = reply.daemon as Partial<DaemonStatus> | undefined;
    return reply.status === 'ok' && d && typeof d.pid === 'number' ? (d as DaemonStatus) : undefined;
  } catch {
    return undefined;
  }
}

/** GET /api/daemon/stats, in the shape of the socket's answer. */
async function askHttp(url: string, timeoutMs: number): Promise<DaemonStatus> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const s = (await res.json()) as Record<string, unknown>;
  if (typeof s.pid !== 'number') throw new Error('the answer is not patienced stats');
  return {
    pid: s.pid,
    version: String(s.version),
    uptime_seconds: Number(s.uptime_seconds),
    socket_path: String(s.socket_path),
    http: String(s.http),
    total_metrics: Number(s.total_metrics),
    // The HTTP API keeps the original Go daemon's name for max_metrics.
    max_metrics: Number(s.max_size),
    storage: String(s.storage),
    profiling: false,
  };
}

/** A wildcard listen address is reached on loopback. */
export function loopbackFor(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
