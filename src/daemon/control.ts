// `patienced -status` and `patienced -stop`, run with the same -config, RETRY_* env and
// flags as the daemon they look for. Exit codes follow LSB: -status 0 running, 3 not
// running, 4 unknown (a pid file that cannot be trusted or a process that cannot be
// proven); -stop 0 once stopped and also when it was not running, 1 when it does not stop
// within 10 s or there is nothing it may signal, 4 when not allowed to signal it.
//
// Only a PID that is proven to be this patienced is ever signalled: it comes from a pid
// file that is a regular file owned by this user or root, or by the owner of a directory
// only that owner may write (the service's RuntimeDirectory) (pidfile.ts), and the process
// either runs our own script (runsBundle) or answers on a socket owned by this user or
// root with the pid file's instance token. A PID that only a socket or HTTP answer names
// is never signalled: anybody can answer there while the daemon is down.
import nodeFs from 'node:fs';
import path from 'node:path';
import type { DaemonConfig } from './config/index.ts';
import { pidOwner, readPidFile, type PidFileContent } from './pidfile.ts';
import { ownScript, processState, realProbe, runsBundle, type ProcessProbe } from './process-check.ts';
import { ownerRuleIn, realOwner, type OwnerRule } from '../shared/safe-file.ts';
import { askDaemon, type Answer } from './status-query.ts';
import type { DaemonStatus } from './status-request.ts';
import { formatGoDuration } from '../shared/duration.ts';

export const STATUS_RUNNING = 0;
export const STATUS_NOT_RUNNING = 3;
export const STATUS_UNKNOWN = 4;
export const STOP_TIMEOUT_MS = 10_000;

export interface ControlDeps {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** This process's PID, which a pid file can never mean. */
  pid: number;
  probe?: ProcessProbe;
  ask?: (config: DaemonConfig) => Promise<Answer>;
  kill?: (pid: number, signal: NodeJS.Signals) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  fs?: Pick<typeof nodeFs, 'unlinkSync' | 'lstatSync'>;
  /** Whose files are trusted: this user's and root's. */
  owner?: OwnerRule;
  /** Our own script, resolved: the argument a running patienced must have. */
  bundle?: string;
}

type Control = Required<ControlDeps>;

function withDefaults(deps: ControlDeps): Control {
  return {
    probe: realProbe,
    ask: (config) => askDaemon(config),
    kill: (pid, signal) => void process.kill(pid, signal),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: Date.now,
    fs: nodeFs,
    owner: realOwner(),
    bundle: ownScript(),
    ...deps,
  };
}

/** What the pid file says, and whether the process it names is proven to be a live patienced. */
interface PidFileView {
  content: PidFileContent;
  /** Proven: a live patienced that wrote this pid file. */
  livePid: number | undefined;
  /** Alive and perhaps patienced, but not proven: never signalled. */
  unprovenPid: number | undefined;
  staleWhy: string | undefined;
}

function viewPidFile(config: DaemonConfig, d: Control, answer: Answer | undefined): PidFileView {
  let content: PidFileContent;
  try {
    content = readPidFile(config.pidFile, ownerRuleIn(path.dirname(config.pidFile), d.owner));
  } catch (err) {
    // EACCES and the like; the message names the file, never what it holds.
    content = {
      kind: 'refused',
      why: `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    };
  }
  const none = { content, livePid: undefined, unprovenPid: undefined };
  if (content.kind !== 'pid') return { ...none, staleWhy: content.kind === 'invalid' ? 'it holds no PID' : undefined };
  const owner = pidOwner(content.pid, d.pid, d.probe);
  if (owner !== 'running') {
    return {
      ...none,
      staleWhy: owner === 'reused' ? `pid ${content.pid} is another program now` : `pid ${content.pid} is gone`,
    };
  }
  if (runsBundle(content.pid, d.bundle, d.probe) || tokenProves(content, answer, config, d)) {
    return { ...none, livePid: content.pid, staleWhy: undefined };
  }
  return { ...none, unprovenPid: content.pid, staleWhy: undefined };
}

/** The daemon on our socket says the PID and the token of the pid file: it wrote that file. */
function tokenProves(
  content: Extract<PidFileContent, { kind: 'pid' }>,
  answer: Answer | undefined,
  config: DaemonConfig,
  d: Control,
): boolean {
  if (!answer?.ok || answer.via !== 'socket' || content.token === undefined) return false;
  if (answer.status.pid !== content.pid || answer.status.instance !== content.token) return false;
  // The pid file is world-readable, so a stranger could repeat its token: only a socket
  // file of ours or root's counts (another user cannot create a file owned by us).
  try {
    const st = d.fs.lstatSync(config.socketPath);
    return st.isSocket() && (st.uid === d.owner.uid || st.uid === 0);
  } catch {
    return false;
  }
}

export async function showStatus(config: DaemonConfig, deps: ControlDeps): Promise<number> {
  const d = withDefaults(deps);
  const answer = await d.ask(config);
  const file = viewPidFile(config, d, answer);
  if (answer.ok) {
    d.stdout.write(describeRunning(answer.status, config, file, d.bundle));
    return STATUS_RUNNING;
  }
  if (file.livePid !== undefined) {
    d.stdout.write(
      `patienced is running (pid ${file.livePid}, pid file ${config.pidFile}) but does not answer: ${answer.why}\n` +
        `  (still starting, or it was started with another socket_path; its log says more)\n`,
    );
    return STATUS_RUNNING;
  }
  const reasons = [describePidFile(config.pidFile, file, d.bundle), `nothing answers on ${config.socketPath}`];
  if (file.content.kind === 'refused' || file.unprovenPid !== undefined) {
    d.stderr.write(`patienced: status unknown: ${reasons.join('; ')}\n`);
    return STATUS_UNKNOWN;
  }
  d.stdout.write(`patienced is not running (${reasons.join('; ')})\n`);
  return STATUS_NOT_RUNNING;
}

function describeRunning(s: DaemonStatus, config: DaemonConfig, file: PidFileView, bundle: string): string {
  // What answered may be a stranger's program: no terminal control sequences from it.
  const p = (v: unknown): string => String(v).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  const lines = [
    `patienced is running (pid ${s.pid})`,
    `  version   ${p(s.version)}`,
    `  uptime    ${formatGoDuration(Math.round(s.uptime_seconds) * 1000)}`,
    `  socket    ${p(s.socket_path)}`,
    `  http      ${s.http ? `http://${p(s.http)}` : 'disabled'}`,
    `  records   ${p(s.total_metrics)} (max_metrics ${p(s.max_metrics)})`,
    `  storage   ${p(s.storage)}${s.health && s.health !== 'healthy' ? ` (${p(s.health)}: ${p(s.health_reason ?? 'see /api/health')})` : ''}`,
    `  pid file  ${config.pidFile}`,
  ];
  if (s.profiling) lines.push('  profiling on (/debug/pprof/)');
  if (file.livePid !== s.pid)
    lines.push(`  note: ${describePidFile(config.pidFile, file, bundle)}, but pid ${s.pid} answers on the socket`);
  return `${lines.join('\n')}\n`;
}

function describePidFile(path: string, file: PidFileView, bundle: string): string {
  switch (file.content.kind) {
    case 'missing':
      return `no pid file at ${path}`;
    case 'refused':
      return `pid_file ${path} ${file.content.why}, so it is not trusted`;
    case 'invalid':
      return `pid file ${path} holds no PID`;
    case 'pid':
      if (file.livePid !== undefined) return `pid file ${path} names pid ${file.livePid}`;
      if (file.unprovenPid !== undefined) {
        return (
          `pid file ${path} names pid ${file.unprovenPid}, a live process that is not proven to be this patienced ` +
          `(its arguments do not hold ${bundle}, and no answer on our socket carries the pid file's token)`
        );
      }
      return `stale pid file ${path}: ${file.staleWhy ?? ''}`;
  }
}

export async function stopDaemon(config: DaemonConfig, deps: ControlDeps): Promise<number> {
  const d = withDefaults(deps);
  let file = viewPidFile(config, d, undefined);
  let answer: Answer | undefined;
  if (file.livePid === undefined) {
    // Not proven by its arguments: the daemon's own answer may prove it (the token), or
    // tell that a daemon runs that we may not touch.
    answer = await d.ask(config);
    file = viewPidFile(config, d, answer);
  }
  const pid = file.livePid;
  if (pid === undefined) return notRunning(config, file, answer, d);
  return terminate(pid, d);
}

/** No PID proven ours: say why nothing was signalled, and remove a stale pid file. */
function notRunning(config: DaemonConfig, file: PidFileView, answer: Answer | undefined, d: Control): number {
  const note = describePidFile(config.pidFile, file, d.bundle);
  if (answer?.ok) {
    const where = answer.via === 'socket' ? config.socketPath : `HTTP port ${config.httpPort}`;
    d.stderr.write(
      `patienced: a daemon answers on ${where} (it says it is pid ${answer.status.pid}), but ${note}: ` +
        `it cannot be proven to be the patienced of this pid_file, so nothing was signalled; ` +
        `stop it with the -pid-file and -socket it was started with, or 'systemctl stop retry-daemon' for the service\n`,
    );
    return 1;
  }
  if (file.content.kind === 'refused' || file.unprovenPid !== undefined) {
    d.stderr.write(
      `patienced: ${note}; nothing was signalled. Check that file, remove it if it is stale, and run -stop again\n`,
    );
    return 1;
  }
  let said = note;
  if (file.content.kind === 'pid' || file.content.kind === 'invalid') {
    // Read as a regular file of ours or root's just now: removing that name is safe.
    try {
      d.fs.unlinkSync(config.pidFile);
      said = `removed the ${note}`;
    } catch (err) {
      said += ` (not removed: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
    }
  }
  d.stdout.write(`patienced is not running (${said}; nothing answers on ${config.socketPath})\n`);
  return 0;
}

/** SIGTERM, then a bounded wait for the process to be gone. */
async function terminate(pid: number, d: Control): Promise<number> {
  try {
    d.kill(pid, 'SIGTERM');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPERM') {
      d.stderr.write(
        `patienced: not allowed to stop patienced (pid ${pid}): it runs as another user; use sudo, or 'systemctl stop retry-daemon'\n`,
      );
      return 4;
    }
    if (code !== 'ESRCH') throw err;
  }
  const deadline = d.now() + STOP_TIMEOUT_MS;
  while (processState(pid, d.probe) === 'alive') {
    if (d.now() >= deadline) {
      d.stderr.write(
        `patienced: pid ${pid} is still running ${STOP_TIMEOUT_MS / 1000}s after SIGTERM (still draining, or stuck); ` +
          `run 'patienced -stop' again to make it exit at once (a second SIGTERM does), or 'kill -9 ${pid}'\n`,
      );
      return 1;
    }
    await d.sleep(50);
  }
  d.stdout.write(`patienced stopped (pid ${pid})\n`);
  return 0;
}
