// One NDJSON exchange with patienced over its Unix socket: connect, write one line, read
// one line back, all within one time limit (connect included). Used by the run report
// and by the rate-limit gate. Never rejects: every way it can end is a result.
import { lstatSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';

export type ExchangeResult =
  | { kind: 'answer'; line: string }
  /** Nothing listens (ENOENT, ECONNREFUSED) or the connect failed otherwise. */
  | { kind: 'unreachable'; code: string | undefined; message: string }
  | { kind: 'timeout' }
  /** Connected, then closed before a whole line came back (the text so far, if any). */
  | { kind: 'closed'; partial: string };

export interface ExchangeOptions {
  socketPath: string;
  timeoutMs: number;
  connect?: (path: string) => Socket;
}

export type Exchange = (line: string, o: ExchangeOptions) => Promise<ExchangeResult>;

const EAGAIN_RETRY_MS = 5;
/** An answer longer than this is not one of ours; it is cut off rather than buffered. */
const MAX_ANSWER_CHARS = 64 * 1024;

export const exchange: Exchange = (line, o) => {
  const connect = o.connect ?? ((path: string) => createConnection(path));
  return new Promise((resolve) => {
    let socket: Socket | undefined;
    let answer = '';
    let finished = false;
    const finish = (result: ExchangeResult): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket?.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), o.timeoutMs);
    const attempt = (): void => {
      if (finished) return;
      // No socket file, no daemon: said at once, without the socket machinery a connect
      // sets going (a few ms on a run's critical path, on a host that runs no daemon).
      if (!o.connect && absent(o.socketPath)) {
        finish({ kind: 'unreachable', code: 'ENOENT', message: `connect ENOENT ${o.socketPath}` });
        return;
      }
      try {
        socket = connect(o.socketPath);
      } catch (err) {
        finish({ kind: 'unreachable', code: (err as NodeJS.ErrnoException).code, message: (err as Error).message });
        return;
      }
      const current = socket;
      let connected = false;
      current.setEncoding('utf8');
      current.on('error', (err: NodeJS.ErrnoException) => {
        // A full listen backlog refuses a Unix-socket connect at once with EAGAIN; a
        // busy daemon is still there, so knock again while the time limit lasts.
        if (err.code === 'EAGAIN' && !finished && answer === '') {
          current.destroy();
          setTimeout(attempt, EAGAIN_RETRY_MS);
          return;
        }
        finish(
          connected
            ? { kind: 'closed', partial: answer }
            : { kind: 'unreachable', code: err.code, message: err.message },
        );
      });
      current.on('connect', () => {
        connected = true;
        current.write(line.endsWith('\n') ? line : `${line}\n`);
      });
      current.on('data', (chunk: string) => {
        answer += chunk;
        const nl = answer.indexOf('\n');
        if (nl >= 0) finish({ kind: 'answer', line: answer.slice(0, nl) });
        else if (answer.length > MAX_ANSWER_CHARS) finish({ kind: 'closed', partial: answer.slice(0, 200) });
      });
      current.on('end', () => finish(answer ? { kind: 'answer', line: answer } : { kind: 'closed', partial: '' }));
    };
    attempt();
  });
};

/** The outcome in words, for warnings and debug lines. */
export function describeFailure(
  r: Exclude<ExchangeResult, { kind: 'answer' }>,
  socketPath: string,
  timeoutMs: number,
): string {
  switch (r.kind) {
    case 'unreachable':
      return `cannot reach the daemon at ${socketPath}: ${r.message}`;
    case 'timeout':
      return `daemon at ${socketPath} did not answer within ${timeoutMs} ms`;
    case 'closed':
      return 'daemon closed the connection without an answer';
  }
}

/** Nothing at path; any other answer (a file, EACCES, ENOTDIR) is left to connect to report. */
function absent(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false }) === undefined;
  } catch {
    return false;
  }
}
