// Logging: pino JSON lines to log_file (reopened on SIGHUP for logrotate), or readable
// lines on a terminal. pino-pretty would run as a transport in a worker thread, which
// breaks under bundling (TECH.md), so the few lines of terminal formatting live here.
import pino, { type Logger } from 'pino';
import { Writable } from 'node:stream';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface DaemonLogger {
  log: Logger;
  /** Reopens the log file after rotation; a no-op without one. */
  reopen(): void;
  /** Writes out anything buffered. */
  flush(): void;
}

export interface LoggerOptions {
  level: LogLevel;
  /** JSON lines appended here; otherwise to `stderr`. */
  file?: string | undefined;
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

export function createLogger(opts: LoggerOptions): DaemonLogger {
  const base = { base: { pid: process.pid }, level: opts.level, timestamp: pino.stdTimeFunctions.isoTime };
  if (opts.file) {
    const dest = pino.destination({ dest: opts.file, append: true, mkdir: true, sync: true });
    const log = pino(base, dest);
    return { log, reopen: () => dest.reopen(), flush: () => dest.flushSync() };
  }
  const stderr = opts.stderr ?? process.stderr;
  if (stderr.isTTY) {
    const log = pino(base, readableLines(stderr));
    return { log, reopen: () => undefined, flush: () => undefined };
  }
  const dest = pino.destination({ dest: 2, sync: true });
  const log = pino(base, dest);
  return { log, reopen: () => undefined, flush: () => dest.flushSync() };
}

/** Turns pino's JSON lines into `TIME LEVEL message key=value …`. */
export function formatLine(json: string): string {
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { time, level, msg, pid: _pid, hostname: _host, ...rest } = obj;
  const name = typeof level === 'number' ? (LEVEL_NAMES[level] ?? String(level)) : String(level);
  const extras = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${String(time)} ${name.padEnd(5)} ${String(msg ?? '')}${extras ? ` ${extras}` : ''}\n`;
}

function readableLines(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) out.write(formatLine(line));
      done();
    },
  });
}
