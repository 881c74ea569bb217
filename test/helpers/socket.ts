// A test client for the daemon's Unix socket.
import net from 'node:net';

export interface SendOptions {
  /** End with a newline after the last document (NDJSON); false mimics the Go client. */
  trailingNewline?: boolean;
  timeoutMs?: number;
}

/** Writes raw text, half-closes, and resolves with every reply line the daemon sent. */
export function sendRaw(socketPath: string, payload: string | Buffer, opts: SendOptions = {}): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(socketPath);
    let data = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no end of reply within ${opts.timeoutMs ?? 10_000} ms; got ${JSON.stringify(data)}`));
    }, opts.timeoutMs ?? 10_000);
    sock.on('connect', () => sock.end(payload));
    sock.on('data', (d: Buffer) => (data += d.toString()));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(data.split('\n').filter((l) => l !== ''));
    });
  });
}

/** Sends documents as NDJSON (or one document without a newline) and parses the replies. */
export async function send(
  socketPath: string,
  docs: unknown[],
  opts: SendOptions = {},
): Promise<Array<Record<string, unknown>>> {
  const text = docs.map((d) => (typeof d === 'string' ? d : JSON.stringify(d))).join('\n');
  const payload = opts.trailingNewline === false ? text : `${text}\n`;
  const lines = await sendRaw(socketPath, payload, opts);
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function runRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    command: 'curl -fsS https://api.example.com',
    final_status: 'succeeded',
    total_duration_seconds: 3.5,
    attempts: [
      { duration_seconds: 1, exit_code: 7, success: false },
      { duration_seconds: 0.5, exit_code: 7, success: false },
      { duration_seconds: 0.25, exit_code: 0, success: true },
    ],
    ...overrides,
  };
}

/** Streams records on one connection, noting each acknowledged one; end() half-closes. */
export function streamer(
  socketPath: string,
  prefix: string,
  acked: Set<string>,
): { end: () => void; closed: Promise<void> } {
  const sock = net.connect(socketPath);
  let sent = 0;
  let answered = 0;
  let buf = '';
  let ending = false;
  const pump = (): void => {
    while (!ending && sock.writable && sent - answered < 50)
      sock.write(`${JSON.stringify(runRecord({ command: `${prefix}-${sent++}` }))}\n`);
  };
  sock.on('connect', pump);
  sock.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) !== -1) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if ((JSON.parse(line) as { status: string }).status === 'ok') acked.add(`${prefix}-${answered}`);
      answered++;
    }
    pump();
  });
  sock.on('error', () => undefined);
  const closed = new Promise<void>((r) => sock.on('close', () => r()));
  return {
    end: () => {
      ending = true;
      sock.end();
    },
    closed,
  };
}

/**
 * Writes raw bytes and collects every reply line until the daemon closes. Unlike sendRaw
 * it never fails for a write the daemon did not read: after too_large the daemon closes
 * the connection while the rest is still being sent, and its replies are what counts.
 */
export function exchange(socketPath: string, payload: Buffer, timeoutMs = 30_000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(socketPath);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no close within ${timeoutMs} ms; got ${Buffer.concat(chunks).toString().slice(0, 500)}`));
    }, timeoutMs);
    sock.on('connect', () => sock.end(payload));
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('error', () => undefined);
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(
        Buffer.concat(chunks)
          .toString()
          .split('\n')
          .filter((l) => l !== ''),
      );
    });
  });
}
