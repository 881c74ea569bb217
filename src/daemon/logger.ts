// Logging: pino JSON lines to log_file (reopened on SIGHUP for logrotate), or readable
// lines on a terminal. pino-pretty would run as a transport in a worker thread, which
// breaks under bundling (esbuild cannot follow its dynamic worker path), so the few lines of terminal formatting live here.
// The log file often sits in /tmp (the -daemon default): it is opened by safe-file.ts,
// never through a symlink nor into another user's file, and never world-readable.
import pino, { type Logger } from 'pino';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { openAppendSafely } from '../shared/safe-file.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface DaemonLogger {
  log: Logger;
  /** Reopens the log file after rotation (a no-op without one); on failure keeps the old one and says why. */
  reopen(): Error | undefined;
  /** Writes out anything buffered. */
  flush(): void;
}

export interface LoggerOptions {
  level: LogLevel;
  /** JSON lines appended here; otherwise to `stderr`. */
  file?: string | undefined;
  stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

export function createLogger(opts: LoggerOptions): DaemonLogger {
  const base = { base: { pid: process.pid }, level: opts.level, timestamp: pino.stdTimeFunctions.isoTime };
  if (opts.file) {
    const dest = new SafeLogFile(opts.file);
    const log = pino(base, dest);
    return { log, reopen: () => dest.reopen(), flush: () => undefined };
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

/** Log files are born 0640 (less with the umask): they name every command that ran. */
const LOG_FILE_MODE = 0o640;

/** A pino destination appending to a file opened safely, reopened by name after rotation. */
class SafeLogFile {
  private fd: number;

  constructor(private readonly file: string) {
    this.fd = SafeLogFile.open(file);
  }

  private static open(file: string): number {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      return openAppendSafely(file, LOG_FILE_MODE);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why = e.code ? `${e.code}` : e.message;
      throw new Error(
        `cannot open log_file ${file}: it ${e.code ? `cannot be opened (${why})` : why}; ` +
          `remove it if it is not another program's, or choose a log_file (-log-file) in a directory only this user can write`,
      );
    }
  }

  write(line: string): void {
    fs.writeSync(this.fd, line);
  }

  reopen(): Error | undefined {
    let fd: number;
    try {
      fd = SafeLogFile.open(this.file);
    } catch (err) {
      return err as Error;
    }
    fs.closeSync(this.fd);
    this.fd = fd;
    return undefined;
  }
}
