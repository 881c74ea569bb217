// Shared by the end-to-end tests: a sandbox per test (temp dir, socket path, state and
// config dirs), and a way to run the built dist/patience.cjs and collect what it did.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../dist/patience.cjs', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build it first with node scripts/build.mjs cli`);

export interface Sandbox {
  dir: string;
  socketPath: string;
  stateDir: string;
  configDir: string;
  env: Record<string, string>;
  /** Patience processes still running when the test ends are killed. */
  running: Set<ChildProcess>;
}

interface TestContext {
  after(fn: () => void | Promise<void>): void;
}

/** A temp dir with its own socket path, XDG dirs and HOME; removed after the test. */
export function sandbox(t: TestContext): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'patience-e2e-'));
  const running = new Set<ChildProcess>();
  t.after(() => {
    for (const child of running) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const stateDir = join(dir, 'state');
  const configDir = join(dir, 'config');
  const home = join(dir, 'home');
  for (const d of [stateDir, configDir, home]) mkdirSync(d);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^(PATIENCE_|RETRY_|XDG_)/.test(k) && k !== 'NODE_EXTRA_CA_CERTS') env[k] = v;
  }
  const socketPath = join(dir, 'daemon.sock');
  Object.assign(env, {
    RETRY_SOCKET_PATH: socketPath,
    XDG_STATE_HOME: stateDir,
    XDG_CONFIG_HOME: configDir,
    HOME: home,
  });
  return { dir, socketPath, stateDir, configDir, env, running };
}

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  input?: Buffer | string;
  onStart?(child: ChildProcess): void;
}

/** Runs patience with args in the sandbox and waits for it to exit. */
export function patience(sb: Sandbox, args: string[], o: RunOptions = {}): Promise<Ran> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: o.cwd ?? sb.dir,
    env: { ...sb.env, ...o.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  sb.running.add(child);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => err.push(d));
  child.stdin.on('error', () => {});
  child.stdin.end(o.input ?? '');
  o.onStart?.(child);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      sb.running.delete(child);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString(),
        ms: Date.now() - started,
      });
    });
  });
}

export const fixture = (name: string): string => join(FIXTURES, name);

/** The node command for a fixture script. */
export const node = (name: string, ...args: string[]): string[] => [process.execPath, fixture(name), ...args];

/** State of a process from /proc: 'Z' for a zombie, undefined when it is gone. */
export function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

export async function until(check: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

export interface TestDaemon {
  lines: string[];
  connections: number;
  close(): Promise<void>;
}

/** A Unix socket server standing in for patienced: answers ok, an error, or never. */
export async function testDaemon(path: string, mode: 'ok' | 'error' | 'hang'): Promise<TestDaemon> {
  const state = { lines: [] as string[], connections: 0 };
  const server: Server = createServer((socket) => {
    state.connections++;
    let buf = '';
    socket.on('error', () => {});
    socket.on('data', (d) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        state.lines.push(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        if (mode === 'ok') socket.write('{"status":"ok"}\n');
        if (mode === 'error') socket.write('{"status":"error","error":"nope"}\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => sockets.add(s));
  return {
    get lines() {
      return state.lines;
    },
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Patience's own status lines, to check they never reach stdout. */
export const STATUS_LINE = /\[retry\]|Run Statistics|patience:/;
