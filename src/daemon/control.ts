// `patienced -status` and `patienced -stop`, run with the same -config, RETRY_* env and
// flags as the daemon they look for. Exit codes follow LSB: -status 0 running, 3 not
// running; -stop 0 once stopped and also when it was not running, 1 when it does not stop
// within 10 s, 4 when not allowed to signal it.
import nodeFs from 'node:fs';
import type { DaemonConfig } from './config/index.ts';
import { pidOwner, readPidFile, type PidFileContent } from './pidfile.ts';
import { processState, realProbe, type ProcessProbe } from './process-check.ts';
import { askDaemon, type Answer } from './status-query.ts';
import type { DaemonStatus } from './status-request.ts';
import { formatGoDuration } from '../shared/duration.ts';

export const STATUS_RUNNING = 0;
export const STATUS_NOT_RUNNING = 3;
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
  fs?: Pick<typeof nodeFs, 'readFileSync' | 'unlinkSync'>;
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
    ...deps,
  };
}

/** What the pid file says, and whether the process it names is a live patienced. */
interface PidFileView {
  content: PidFileContent | { kind: 'unreadable'; why: string };
  livePid: number | undefined;
  staleWhy: string | undefined;
}

function viewPidFile(file: string, d: Control): PidFileView {
  let content: PidFileView['content'];
  try {
    content = readPidFile(file, d.fs);
  } catch (err) {
    return { content: { kind: 'unreadable', why: (err as Error).message }, livePid: undefined, staleWhy: undefined };
  }
  if (content.kind !== 'pid') return { content, livePid: undefined, staleWhy: content.kind === 'invalid' ? 'it holds no PID' : undefined };
  const owner = pidOwner(content.pid, d.pid, d.probe);
  if (owner === 'running') return { content, livePid: content.pid, staleWhy: undefined };
  const why = owner === 'reused' ? `pid ${content.pid} is another program now` : `pid ${content.pid} is gone`;
  return { content, livePid: undefined, staleWhy: why };
}

export async function showStatus(config: DaemonConfig, deps: ControlDeps): Promise<number> {
  const d = withDefaults(deps);
  const file = viewPidFile(config.pidFile, d);
  const answer = await d.ask(config);
  if (answer.ok) {
    d.stdout.write(describeRunning(answer.status, config, file));
    return STATUS_RUNNING;
  }
  if (file.livePid !== undefined) {
    d.stdout.write(
      `patienced is running (pid ${file.livePid}, pid file ${config.pidFile}) but does not answer: ${answer.why}\n` +
        `  (still starting, or it was started with another socket_path; its log says more)\n`,
    );
    return STATUS_RUNNING;
  }
  const reasons = [describePidFile(config.pidFile, file), `nothing answers on ${config.socketPath}`];
  d.stdout.write(`patienced is not running (${reasons.join('; ')})\n`);
  return STATUS_NOT_RUNNING;
}

function describeRunning(s: DaemonStatus, config: DaemonConfig, file: PidFileView): string {
  const lines = [
    `patienced is running (pid ${s.pid})`,
    `  version   ${s.version}`,
    `  uptime    ${formatGoDuration(Math.round(s.uptime_seconds) * 1000)}`,
    `  socket    ${s.socket_path}`,
    `  http      ${s.http ? `http://${s.http}` : 'disabled'}`,
    `  records   ${s.total_metrics} (max_metrics ${s.max_metrics})`,
    `  storage   ${s.storage}${s.health && s.health !== 'healthy' ? ` (${s.health}: ${s.health_reason ?? 'see /api/health'})` : ''}`,
    `  pid file  ${config.pidFile}`,
  ];
  if (s.profiling) lines.push('  profiling on (/debug/pprof/)');
  if (file.livePid !== s.pid) lines.push(`  note: ${describePidFile(config.pidFile, file)}, but pid ${s.pid} answers on the socket`);
  return `${lines.join('\n')}\n`;
}

function describePidFile(path: string, file: PidFileView): string {
  switch (file.content.kind) {
    case 'missing':
      return `no pid file at ${path}`;
    case 'unreadable':
      return `pid file ${path} cannot be read: ${file.content.why}`;
    case 'invalid':
      return `pid file ${path} holds no PID`;
    case 'pid':
      return file.livePid === undefined ? `stale pid file ${path}: ${file.staleWhy ?? ''}` : `pid file ${path} names pid ${file.livePid}`;
  }
}

export async function stopDaemon(config: DaemonConfig, deps: ControlDeps): Promise<number> {
  const d = withDefaults(deps);
  const file = viewPidFile(config.pidFile, d);
  let pid = file.livePid;
  if (pid === undefined) {
    // No live pid file: a daemon may still answer on the socket (started with another pid_file).
    const answer = await d.ask(config);
    if (answer.ok && answer.status.pid !== d.pid) pid = answer.status.pid;
  }
  if (pid === undefined) {
    let note = describePidFile(config.pidFile, file);
    if (file.content.kind === 'pid' || file.content.kind === 'invalid') {
      try {
        d.fs.unlinkSync(config.pidFile);
        note = `removed the ${note}`;
      } catch (err) {
        note += ` (not removed: ${(err as Error).message})`;
      }
    }
    d.stdout.write(`patienced is not running (${note}; nothing answers on ${config.socketPath})\n`);
    return 0;
  }

  try {
    d.kill(pid, 'SIGTERM');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPERM') {
      d.stderr.write(`patienced: not allowed to stop patienced (pid ${pid}): it runs as another user; use sudo, or 'systemctl stop retry-daemon'\n`);
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
