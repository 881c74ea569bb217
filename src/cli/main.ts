// patience: argv -> settings -> the retry loop -> summary, learned state, report -> exit
// code. Every side effect comes in through CliMainDeps, with the real ones by default.
import { constants, homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { adaptiveFile, loadOutcomes, saveOutcomes } from '../retry/adaptive-store.ts';
import { EXIT, runExitCode } from '../retry/exit-codes.ts';
import { formatDuration } from '../retry/format.ts';
import { RetryRun, type AttemptRequest, type RunningAttempt, type RunResult } from '../retry/loop.ts';
import { createRunner } from '../retry/runner.ts';
import { deriveResourceId } from '../retry/strategies/diophantine.ts';
import { buildBackoff } from '../retry/strategies/index.ts';
import type { DelayOutcome } from '../retry/strategies/adaptive.ts';
import type { Random } from '../retry/strategies/types.ts';
import { sleep } from '../retry/timers.ts';
import { redact } from '../shared/redact.ts';
import type { WireRunRecord } from '../shared/run-record.ts';
import { parseArgs, type Writer } from './args.ts';
import { commandLine } from './command-line.ts';
import { envEntries, fileEntries, findConfigFile, readConfigFile } from './config.ts';
import { renderDryRun } from './dry-run.ts';
import { renderDebugConfig } from './debug-config.ts';
import { UsageError } from './errors.ts';
import { helpAsFlag } from './help-topic.ts';
import { ignoreStdioErrors, stdSink } from '../retry/std-sink.ts';
import { createStatus, finalLines } from './output.ts';
import { daemonBundle, autoStartDaemon } from './auto-start.ts';
import { daemonSocketPath, rateLimitGate } from './rate-gate.ts';
import { buildRecord, DEFAULT_SOCKET_PATH, sendRecord, type SendOptions } from './report.ts';
import { exchange, type Exchange } from './socket-exchange.ts';
import { resolveSettings, type RunSettings } from './settings.ts';

export type SignalHandler = (sig: NodeJS.Signals, signalNumber: number) => void;

export interface CliMainDeps {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdout: Writer;
  stderr: Writer;
  /** Wall-clock ms: hints (HTTP-dates) and the shared ledger need real time. */
  now(): number;
  random: Random;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  run(req: AttemptRequest): RunningAttempt;
  /** Installs the handler for SIGINT, SIGTERM and SIGHUP; returns the uninstaller. */
  onSignal(handler: SignalHandler): () => void;
  hostname(): string;
  homedir(): string;
  send(record: WireRunRecord, o: SendOptions): Promise<void>;
  /** One exchange with patienced (the rate-limit gate's acquire). */
  exchange: Exchange;
  /** --daemon-auto-start: starts patienced on the socket; undefined when it runs, else the problem. */
  autoStartDaemon(socketPath: string, env: Readonly<Record<string, string | undefined>>): Promise<string | undefined>;
}

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export function realDeps(): CliMainDeps {
  // With stdout closed the child's output has nowhere to go, and the run goes on. Stdout is
  // made only if something is written there (std-sink.ts).
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: stdSink('stdout'),
    stderr: stdSink('stderr'),
    now: Date.now,
    random: Math.random,
    sleep,
    run: createRunner(),
    onSignal(handler) {
      const installed = FORWARDED.map((sig) => {
        const fn = (): void => handler(sig, constants.signals[sig]);
        process.on(sig, fn);
        return [sig, fn] as const;
      });
      return () => {
        for (const [sig, fn] of installed) process.off(sig, fn);
      };
    },
    hostname,
    homedir,
    send: sendRecord,
    exchange,
    autoStartDaemon: (socketPath, env) =>
      autoStartDaemon({ socketPath, bundle: daemonBundle(process.argv[1] ?? ''), execPath: process.execPath, env }),
  };
}

/** Runs patience with argv (without node and the script); resolves to the exit code. */
export async function main(given: readonly string[], overrides: Partial<CliMainDeps> = {}): Promise<number> {
  let argv: readonly string[];
  try {
    argv = helpAsFlag(given);
  } catch (err) {
    return usageFailure(err, overrides.stderr ?? process.stderr);
  }
  // `runs`, `stats` and `completion` run no command. Their code is bundled but evaluated
  // only here, so a retry run loads nothing more for them.
  if (argv[0] === 'runs' || argv[0] === 'stats') {
    const { queryMain } = await import('./query/main.ts');
    const { env, cwd, stdout, stderr, now } = overrides;
    return queryMain(argv, { env, cwd, stdout, stderr, now });
  }
  if (argv[0] === 'completion') {
    const { completionMain } = await import('./completion/main.ts');
    ignoreStdioErrors();
    return completionMain(argv.slice(1), {
      stdout: overrides.stdout ?? process.stdout,
      stderr: overrides.stderr ?? process.stderr,
    });
  }
  const d: CliMainDeps = { ...realDeps(), ...overrides };
  let settings: RunSettings;
  try {
    const args = parseArgs(argv, d.stdout);
    if (args.kind === 'done') return args.code;
    const file = findConfigFile(args.configPath, d.cwd, d.env);
    const fileConfig = file ? fileEntries(file, readConfigFile(file), args.strategy) : undefined;
    settings = resolveSettings(args.strategy, args.command, {
      file: fileConfig,
      env: envEntries(d.env),
      flags: args.flags,
    });
    if (settings.debugConfig) {
      d.stdout.write(renderDebugConfig(settings, { configFile: file, socket: reportSocket(d.env) }));
      return EXIT.success;
    }
  } catch (err) {
    return usageFailure(err, d.stderr);
  }
  return execute(settings, d);
}

/** A usage error is one line and its hint on stderr, exit 2; anything else is a bug. */
function usageFailure(err: unknown, stderr: Writer): number {
  if (!(err instanceof UsageError)) throw err;
  stderr.write(`patience: ${err.message}\n${err.hint ? `${err.hint}\n` : ''}`);
  return EXIT.usage;
}

/** Where runs are reported: RETRY_SOCKET_PATH, else the default path. */
function reportSocket(env: CliMainDeps['env']): { path: string; from: string } {
  return env.RETRY_SOCKET_PATH
    ? { path: env.RETRY_SOCKET_PATH, from: 'env RETRY_SOCKET_PATH' }
    : { path: DEFAULT_SOCKET_PATH, from: 'default; RETRY_SOCKET_PATH sets it' };
}

async function execute(s: RunSettings, d: CliMainDeps): Promise<number> {
  const debug = d.env.PATIENCE_DEBUG ? (m: string) => void d.stderr.write(`patience: debug: ${m}\n`) : () => {};
  const warn = (m: string): void => void d.stderr.write(`patience: warning: ${m}\n`);
  const stateDir = join(d.env.XDG_STATE_HOME || join(d.homedir(), '.local', 'state'), 'patience');
  const line = commandLine(s.command);

  // adaptive: what earlier runs of this command taught it.
  const learned: DelayOutcome[] = [];
  const learnedFile = s.strategy === 'adaptive' ? adaptiveFile(stateDir, redact(line)) : undefined;
  if (learnedFile) learned.push(...(await loadOutcomes(learnedFile)));
  const before = learned.length;
  const backoff = buildBackoff(s.strategy, s.params, learned);
  const resource = s.strategy === 'diophantine' ? (s.resourceId ?? deriveResourceId(s.command)) : undefined;

  if (s.dryRun) {
    const taught = learnedFile ? { file: learnedFile, count: learned.length } : undefined;
    const notes = planNotes(s, d.env, resource, taught);
    d.stdout.write(renderDryRun(s, backoff, d.random, { notes }));
    return EXIT.success;
  }
  const gate =
    resource === undefined
      ? undefined
      : rateLimitGate(s, resource, stateDir, warn, {
          env: d.env,
          now: d.now,
          exchange: d.exchange,
          autoStartDaemon: (path) => d.autoStartDaemon(path, d.env),
        });

  const run = new RetryRun(
    {
      command: s.command,
      attempts: s.attempts,
      timeoutMs: s.timeoutMs,
      maxTimeMs: s.maxTimeMs,
      patterns: s.patterns,
      backoff,
      useHints: s.strategy === 'http-aware',
      httpStatus: s.strategy === 'http-aware',
      retryOn: s.retryOn,
      stopOn: s.stopOn,
      gate,
    },
    { run: d.run, sleep: d.sleep, now: d.now, random: d.random, status: createStatus(d.stderr, s.quiet) },
  );
  const uninstall = d.onSignal((sig, n) => run.interrupt(sig, n));
  const result = await run.run().finally(uninstall);
  const last = finalLines(result, s.quiet);
  if (last) d.stderr.write(last);

  if (learnedFile) {
    await saveOutcomes(learnedFile, redact(line), learned.slice(before)).catch((err: Error) =>
      debug(`cannot save ${learnedFile}: ${err.message}`),
    );
  }
  if (s.report) await report(s, d, line, result, debug);
  return runExitCode(result.outcome);
}

/** What --dry-run says beside the delays: what the strategy learned, hints, randomness, the rate limit. */
function planNotes(
  s: RunSettings,
  env: CliMainDeps['env'],
  resource: string | undefined,
  learned: { file: string; count: number } | undefined,
): string[] {
  const notes: string[] = [];
  if (learned) {
    const outcomes = `${learned.count} outcome${learned.count === 1 ? '' : 's'}`;
    notes.push(`Learned so far for this command: ${outcomes} (${learned.file}).`);
  }
  if (s.strategy === 'http-aware')
    notes.push(
      `Without server hints, the fallback (${s.params.fallback}) decides, as below.`,
      'An HTTP status line in the output judges each attempt: 429 and 5xx are retried, any other 4xx stops the run.',
    );
  if (/jitter/.test(s.strategy)) notes.push('The delays are random: this is one sample.');
  if (resource) {
    const limitLabel = `${resource} (${s.rateLimit} starts per ${formatDuration(s.windowMs)})`;
    const authority = s.daemon ? `patienced at ${daemonSocketPath(s, env)} (else the local ledger)` : 'the ledger';
    notes.push(`Rate limit: ${limitLabel}, checked against ${authority} before every attempt when it runs.`);
  }
  return notes;
}

/** The run record to patienced; never fails the run (report.ts keeps to its time budget). */
async function report(
  s: RunSettings,
  d: CliMainDeps,
  line: string,
  result: RunResult,
  debug: (m: string) => void,
): Promise<void> {
  const record = buildRecord({
    commandLine: line,
    strategy: s.strategy,
    result,
    endMs: d.now(),
    host: d.hostname(),
    labels: s.labels,
    timeoutMs: s.timeoutMs,
  });
  await d.send(record, { socketPath: reportSocket(d.env).path, debug });
}
