// patienced as a service: runs the built binary with its control flags, each test in a
// temp dir of its own (socket, pid file, port 0, an empty config file, so that nothing
// ever touches /tmp/retry-daemon.* or port 8080), and kills whatever a failed test leaves.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DAEMON_BIN } from './daemon.ts';

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The Debian package of each tool the tests drive (scripts/ci.sh installs them). */
const PACKAGE_OF: Readonly<Record<string, string>> = {
  promtool: 'prometheus',
  'systemd-analyze': 'systemd',
  xmllint: 'libxml2-utils',
  python3: 'python3',
};

/** Said when a tool a test drives is missing: where to get it, not only what failed. */
export function notInstalled(file: string): string {
  const tool = path.basename(file);
  const install = Object.hasOwn(PACKAGE_OF, tool)
    ? `\`apt-get install -y ${PACKAGE_OF[tool]}\``
    : `the package that provides ${tool}`;
  return `${file} is not installed, and this test needs it: install it with ${install} (scripts/ci.sh installs every tool the tests use).`;
}

/** Runs a program to its end without blocking this process's event loop. */
export function run(
  file: string,
  args: string[],
  opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: { PATH: process.env.PATH ?? '', ...opts.env },
      cwd: opts.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(file)} ${args.join(' ')} did not finish:\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('error', (e: NodeJS.ErrnoException) => {
      // A program that never started: fail now, not when the timer above fires.
      clearTimeout(timer);
      reject(e.code === 'ENOENT' ? new Error(notInstalled(file)) : e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** `node dist/patienced.cjs ARGS`. */
export function patienced(args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Promise<Ran> {
  return run(process.execPath, [DAEMON_BIN, ...args], {
    ...opts,
    env: { HOME: opts.cwd ?? '/nonexistent', ...opts.env },
  });
}

export interface ServicePaths {
  dir: string;
  socketPath: string;
  pidFile: string;
  config: string;
  /** The flags that point a start, -status or -stop at this dir. */
  args: string[];
}

export function servicePaths(dir: string): ServicePaths {
  const config = path.join(dir, 'daemon.json');
  if (!fs.existsSync(config)) fs.writeFileSync(config, '{}\n');
  const socketPath = path.join(dir, 'd.sock');
  const pidFile = path.join(dir, 'd.pid');
  return {
    dir,
    socketPath,
    pidFile,
    config,
    args: ['-config', config, '-socket', socketPath, '-pid-file', pidFile, '-port', '0'],
  };
}

const started = new Set<number>();

/** The PID that `-daemon` printed; remembered so that `killLeftovers` can clean up. */
export function startedPid(out: string): number {
  const m = /patienced started \(pid (\d+)\)/.exec(out);
  if (!m) throw new Error(`no PID in: ${out}`);
  const pid = Number(m[1]);
  started.add(pid);
  return pid;
}

/** For after(): SIGKILLs every daemon a test started in the background and did not stop. */
export function killLeftovers(): void {
  for (const pid of started) {
    if (isRunning(pid)) process.kill(pid, 'SIGKILL');
  }
  started.clear();
}

/** Alive and not a zombie (a killed process may linger as one under this sandbox's init). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

/** Polls until `check` holds; fails naming `what` after a generous limit (not a timing assertion). */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, limitMs = 20_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function readIfExists(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
