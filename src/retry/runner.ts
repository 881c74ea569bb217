// Runs one attempt as a child process in its own process group: the output streams
// through live, byte for byte, while up to 10 MiB per stream is kept for judging. A
// timeout sends SIGTERM to the whole group, then SIGKILL after 5 s.
//
// An attempt whose output nobody judges gets patience's own stdout and stderr when they
// are a file or a pipe: the child writes to them itself, as it would without patience,
// and no byte passes through this process. A terminal is still piped, so that a child in
// its own session never takes over a terminal it does not control.
import { spawn as nodeSpawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { fstatSync } from 'node:fs';
import { constants } from 'node:os';
import { isatty } from 'node:tty';
import type { Readable } from 'node:stream';
import type { AttemptRequest, RunningAttempt } from './loop.ts';
import type { AttemptOutcome } from './attempt-outcome.ts';
import { stdSink } from './std-sink.ts';
import { longTimeout, type Cancel } from './timers.ts';

export const CAPTURE_LIMIT = 10 * 1024 * 1024;
export const KILL_AFTER_MS = 5_000;
/** After the child exits, how long its pipes may stay open (held by a background grandchild). */
export const PIPE_GRACE_MS = 500;

/** Where the child's output goes: patience's own stdout / stderr by default (std-sink.ts). */
export interface Sink {
  write(chunk: Uint8Array): boolean;
  once(event: 'drain' | 'close' | 'error', fn: () => void): unknown;
  removeListener(event: 'drain' | 'close' | 'error', fn: () => void): unknown;
  /** False once the sink has failed (EPIPE) or closed. */
  readonly writable: boolean;
}

export interface RunnerDeps {
  spawn: typeof nodeSpawn;
  kill(pid: number, sig: NodeJS.Signals): void;
  now(): number;
  stdout: Sink;
  stderr: Sink;
  captureLimit: number;
  /** Whether stdout / stderr may go to an attempt that is not captured as they are (fd 1 / 2). */
  direct: { stdout: boolean; stderr: boolean };
}

export function createRunner(overrides: Partial<RunnerDeps> = {}): (req: AttemptRequest) => RunningAttempt {
  const stdout = overrides.stdout ?? stdSink('stdout');
  const stderr = overrides.stderr ?? stdSink('stderr');
  const deps: RunnerDeps = {
    spawn: nodeSpawn,
    kill: (pid, sig) => process.kill(pid, sig),
    // process.hrtime, not performance.now: the performance global loads perf_hooks at first use.
    now: () => Number(process.hrtime.bigint()) / 1e6,
    stdout,
    stderr,
    captureLimit: CAPTURE_LIMIT,
    // Only patience's own streams can be handed on; other sinks are always piped.
    direct: {
      stdout: overrides.stdout === undefined && handsOn(1),
      stderr: overrides.stderr === undefined && handsOn(2),
    },
    ...overrides,
  };
  return (req) => startAttempt(req, deps);
}

// Long because the child's events (error, exit, close), the pipes' grace period, the
// timeout and its SIGKILL all share one attempt's state (exit, timedOut, done); split
// into functions, that state would have to travel as an object through each of them.
function startAttempt(req: AttemptRequest, deps: RunnerDeps): RunningAttempt {
  const began = deps.now();
  let settle!: (o: AttemptOutcome) => void;
  const result = new Promise<AttemptOutcome>((resolve) => (settle = resolve));
  const [file = '', ...args] = req.command;

  const directOut = !req.capture && deps.direct.stdout;
  const directErr = !req.capture && deps.direct.stderr;
  const stdio: StdioOptions = ['inherit', directOut ? 'inherit' : 'pipe', directErr ? 'inherit' : 'pipe'];
  let child: ChildProcess;
  try {
    child = deps.spawn(file, args, { detached: true, stdio });
  } catch (err) {
    settle(spawnFailed(err, 0));
    return { result, signal: () => {} };
  }

  const out = new Capture(deps.captureLimit);
  const err = new Capture(deps.captureLimit);
  const stdout = child.stdout;
  const stderr = child.stderr;
  if (stdout) pump(stdout, deps.stdout, out);
  if (stderr) pump(stderr, deps.stderr, err);

  let timedOut = false;
  let exit: { code: number | null; signal: NodeJS.Signals | null; at: number } | undefined;
  const cancels: Cancel[] = [];
  let done = false;

  const killGroup = (sig: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      deps.kill(-child.pid, sig);
    } catch {
      // ESRCH: the group is gone already.
    }
  };
  const finish = (outcome: AttemptOutcome): void => {
    if (done) return;
    done = true;
    for (const cancel of cancels) cancel();
    // Whatever of a timed-out attempt ignored SIGTERM and let go of the pipes goes now.
    if (timedOut) killGroup('SIGKILL');
    settle(outcome);
  };
  const complete = (): void => {
    if (!exit) return;
    const durationMs = exit.at - began;
    const output = { stdout: out.text(), stderr: err.text() };
    if (timedOut) finish({ kind: 'timed-out', durationMs, output });
    else if (exit.signal) {
      const signalNumber = constants.signals[exit.signal] ?? 0;
      finish({ kind: 'signaled', signal: exit.signal, signalNumber, durationMs, output });
    } else finish({ kind: 'exited', code: exit.code ?? 0, durationMs, output });
  };

  child.once('error', (e) => {
    if (child.pid === undefined) finish(spawnFailed(e, deps.now() - began));
  });
  child.once('exit', (code, signal) => {
    exit = { code, signal, at: deps.now() };
    // A background grandchild may hold the pipes open; after a grace period stop reading.
    // A timed-out attempt waits for its SIGKILL instead; output handed on has no pipes.
    if (!timedOut && (stdout || stderr)) {
      cancels.push(
        longTimeout(() => {
          stdout?.destroy();
          stderr?.destroy();
          complete();
        }, PIPE_GRACE_MS),
      );
    }
  });
  child.once('close', complete);

  if (req.timeoutMs > 0) {
    cancels.push(
      longTimeout(() => {
        timedOut = true;
        killGroup('SIGTERM');
        cancels.push(longTimeout(() => killGroup('SIGKILL'), KILL_AFTER_MS));
      }, req.timeoutMs),
    );
  }

  return { result, signal: (sig) => killGroup(sig) };
}

/** fd is open and is not a terminal: a file, a pipe, a socket or /dev/null. */
function handsOn(fd: number): boolean {
  try {
    fstatSync(fd);
  } catch {
    return false; // closed: the child must not inherit a missing stream
  }
  return !isatty(fd);
}

function spawnFailed(e: unknown, durationMs: number): AttemptOutcome {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return { kind: 'spawn-failed', problem: 'not found', exitCode: 127, durationMs };
  if (code === 'EACCES') return { kind: 'spawn-failed', problem: 'permission denied', exitCode: 126, durationMs };
  return { kind: 'spawn-failed', problem: (e as Error).message, exitCode: 126, durationMs };
}

/**
 * Passes chunks through unchanged, pausing the child's pipe while the sink is full. When
 * the sink is gone (patience … | head -1), the child's pipe is closed too, so the child
 * sees EPIPE / SIGPIPE as it would without patience in between.
 */
function pump(from: Readable, to: Sink, capture: Capture): void {
  from.on('data', (chunk: Buffer) => {
    capture.add(chunk);
    if (to.writable && to.write(chunk)) return;
    if (!to.writable) {
      from.destroy();
      return;
    }
    from.pause();
    let resumed = false;
    const resume = (): void => {
      if (resumed) return;
      resumed = true;
      for (const event of ['drain', 'close', 'error'] as const) to.removeListener(event, resume);
      from.resume();
    };
    to.once('drain', resume);
    to.once('close', resume);
    to.once('error', resume);
  });
}

/** Keeps the first `limit` bytes of a stream. */
class Capture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}

  add(chunk: Buffer): void {
    const room = this.limit - this.size;
    if (room <= 0) return;
    const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(piece);
    this.size += piece.length;
  }

  text(): string {
    return Buffer.concat(this.chunks, this.size).toString('utf8');
  }
}
