// patience's own stdout or stderr as a Sink, made on first use. Node makes process.stdout
// when it is first touched, and that costs 0.5 ms for a file and 1.5 ms for a pipe (a
// socket), on every run; a retry run whose output is handed on, or not captured, never
// writes to stdout. A closed stream (patience … | head -1) must not crash patience: its
// write errors are dropped.
import type { Sink } from './runner.ts';

const ignore = (): void => {};

/** Drops the write errors of a stream; one listener, however often it is asked. */
function quiet(stream: NodeJS.WriteStream): NodeJS.WriteStream {
  if (!stream.listeners('error').includes(ignore)) stream.on('error', ignore);
  return stream;
}

/** Both of patience's streams, made now (runs, stats and completion write to stdout). */
export function ignoreStdioErrors(): void {
  quiet(process.stdout);
  quiet(process.stderr);
}

/** A Sink that takes text too (patience's own lines). */
export interface StdSink extends Sink {
  write(chunk: Uint8Array | string): boolean;
}

export function stdSink(name: 'stdout' | 'stderr'): StdSink {
  let stream: NodeJS.WriteStream | undefined;
  const get = (): NodeJS.WriteStream => (stream ??= quiet(process[name]));
  return {
    write: (chunk) => get().write(chunk),
    once: (event, fn) => get().once(event, fn),
    removeListener: (event, fn) => get().removeListener(event, fn),
    get writable() {
      return get().writable;
    },
  };
}
