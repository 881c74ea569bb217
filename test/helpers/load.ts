// Load-test parts: a socket client that accounts for every document it sent, a health
// poller with a deadline on each request, and reading back what the daemon stored.
import net from 'node:net';
import { Worker } from 'node:worker_threads';

export interface Exchange {
  /** Every reply line, parsed, in order. */
  replies: Array<Record<string, unknown>>;
  /** How the connection failed (e.g. ECONNRESET), if it did not simply close. */
  error?: string;
}

/**
 * Writes `payload` (all of it, without waiting for any reply), half-closes, and reads the
 * replies as they come until the daemon closes. Never rejects: a failure is reported in
 * `error`, so that a load test can account for every client.
 */
export function exchange(socketPath: string, payload: string, timeoutMs = 60_000): Promise<Exchange> {
  return new Promise((resolve) => {
    const sock = net.connect(socketPath);
    let data = '';
    let error: string | undefined;
    const timer = setTimeout(() => {
      error = `no close within ${timeoutMs} ms`;
      sock.destroy();
    }, timeoutMs);
    sock.on('connect', () => sock.end(payload));
    sock.on('data', (d: Buffer) => (data += d.toString()));
    sock.on('error', (e: NodeJS.ErrnoException) => (error ??= e.code ?? e.message));
    sock.on('close', () => {
      clearTimeout(timer);
      const replies = data
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve(error === undefined ? { replies } : { replies, error });
    });
  });
}

export interface HealthLog {
  /** Milliseconds from request to the whole body, of every answer. */
  latencies: number[];
  /** Requests that failed: not 200, or no answer within the deadline. */
  failures: string[];
}

// The poller runs in a worker thread: the test's own thread is busy opening a thousand
// sockets, and a deadline measured there would count its own stalls as the daemon's.
const POLLER = `
const { parentPort, workerData } = require('node:worker_threads');
const { baseUrl, intervalMs, deadlineMs } = workerData;
const log = { latencies: [], failures: [] };
let running = true;
let wake;
parentPort.once('message', () => { running = false; if (wake) wake(); });
(async () => {
  while (running) {
    const t0 = performance.now();
    try {
      const res = await fetch(baseUrl + '/api/health', { signal: AbortSignal.timeout(deadlineMs) });
      await res.text();
      if (res.status === 200) log.latencies.push(performance.now() - t0);
      else log.failures.push('status ' + res.status);
    } catch (err) {
      log.failures.push(err.name + ': ' + err.message);
    }
    const rest = intervalMs - (performance.now() - t0);
    if (running && rest > 0) {
      await new Promise((r) => {
        const timer = setTimeout(r, rest);
        wake = () => { clearTimeout(timer); r(); };
      });
    }
  }
  parentPort.postMessage(log);
})();
`;

/**
 * GETs /api/health every intervalMs (or at once, when an answer took longer) until stopped,
 * from a worker thread. Each request carries its own deadline (AbortSignal.timeout): one that
 * is not answered in time is a failure, whatever the others measured.
 */
export function pollHealth(
  baseUrl: string,
  { intervalMs = 100, deadlineMs = 1000 } = {},
): { stop: () => Promise<HealthLog> } {
  const worker = new Worker(POLLER, { eval: true, workerData: { baseUrl, intervalMs, deadlineMs } });
  const result = new Promise<HealthLog>((resolve, reject) => {
    worker.once('message', (log: HealthLog) => resolve(log));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the health poller exited (${code}) before it reported`)));
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      const log = await result;
      await worker.terminate();
      return log;
    },
  };
}

/** The q-quantile (0..1) of some numbers, by nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}

/** The command of every stored record, from /api/metrics/export. */
export async function storedCommands(baseUrl: string): Promise<Set<string>> {
  const res = await fetch(`${baseUrl}/api/metrics/export`);
  if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
  const runs = (await res.json()) as Array<{ metrics: { command: string } }>;
  return new Set(runs.map((r) => r.metrics.command));
}
