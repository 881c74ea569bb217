// Everything `patience runs` and `patience stats` do to the world, as one object with
// the real effects by default: tests pass fakes and need no patching.
import type { Writer } from '../args.ts';
import { DEFAULT_LIMITS, type DaemonClient, type Transport } from './daemon-client.ts';
import { DEFAULT_STREAM_LIMITS, openEventStream } from './event-stream.ts';
import { httpGet } from './http-get.ts';
import { ignoreStdioErrors } from '../../retry/std-sink.ts';
import type { Color } from './table.ts';

export interface QueryDeps {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdout: Writer;
  stderr: Writer;
  /** Whether stdout is a terminal (colour), and its width when it is. */
  stdoutIsTTY: boolean;
  stdoutColumns: number | undefined;
  now(): number;
  transport: Transport;
  /** Calls `stop` on SIGINT or SIGTERM (and when stdout is closed); returns the uninstaller. */
  onStop(stop: () => void): () => void;
  /** Config files, for daemon_url. */
  exists?: (path: string) => boolean;
  read?: (path: string) => string;
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export function realQueryDeps(): QueryDeps {
  // With stdout closed (patience runs | head -1) writes fail quietly, and a --follow stops (onStop).
  ignoreStdioErrors();
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTTY: process.stdout.isTTY === true,
    stdoutColumns: process.stdout.isTTY ? process.stdout.columns : undefined,
    now: Date.now,
    transport: {
      get: httpGet,
      openEvents: openEventStream,
      limits: DEFAULT_LIMITS,
      streamLimits: DEFAULT_STREAM_LIMITS,
    },
    onStop(stop) {
      for (const sig of STOP_SIGNALS) process.on(sig, stop);
      process.stdout.on('error', stop);
      return () => {
        for (const sig of STOP_SIGNALS) process.off(sig, stop);
        process.stdout.off('error', stop);
      };
    },
  };
}

/** The width to fit: the terminal's columns, else COLUMNS, else 80. */
export function outputWidth(d: Pick<QueryDeps, 'stdoutIsTTY' | 'stdoutColumns' | 'env'>): number {
  if (d.stdoutIsTTY && d.stdoutColumns !== undefined && d.stdoutColumns > 0) return d.stdoutColumns;
  const env = d.env.COLUMNS;
  if (env !== undefined && /^\d{1,5}$/.test(env) && Number(env) > 0) return Number(env);
  return 80;
}

/** What each subcommand works with: the daemon, the effects, the width to fit and the colours. */
export interface QueryContext {
  client: DaemonClient;
  deps: QueryDeps;
  width: number;
  paint: (color: Color, text: string) => string;
}
