// Runs the real built daemon (dist/patienced.cjs) in a temp directory of its own, with
// its own socket path and a free port, and cleans up after.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const DAEMON_BIN = path.resolve('dist/patienced.cjs');
export const CLI_BIN = path.resolve('dist/patience.cjs');

export interface TestDaemon {
  dir: string;
  socketPath: string;
  pidFile: string;
  /** http://127.0.0.1:PORT */
  url: string;
  child: ChildProcess;
  logs: () => string;
  /** SIGTERM and wait for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function tempDir(prefix = 'patience-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface StartOptions {
  dir?: string;
  args?: string[];
  env?: Record<string, string>;
}

/** Starts patienced and resolves once it logs that it is listening. */
export async function spawnTestDaemon(opts: StartOptions = {}): Promise<TestDaemon> {
  const dir = opts.dir ?? tempDir();
  const socketPath = path.join(dir, 'd.sock');
  const pidFile = path.join(dir, 'd.pid');
  const args = [
    DAEMON_BIN,
    '-socket',
    socketPath,
    '-pid-file',
    pidFile,
    '-port',
    '0',
    '-config',
    writeEmptyConfig(dir),
    ...(opts.args ?? []),
  ];
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', HOME: dir, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Nobody holds a daemon that never said it listens: stop it here or it is leaked.
      child.kill('SIGKILL');
      reject(new Error(`daemon did not start:\n${out}`));
    }, 15_000);
    const check = (): void => {
      const m = /"http":"([^"]+)"/.exec(out) ?? /http=(\S+)/.exec(out);
      if (m && out.includes('listening')) {
        clearTimeout(timer);
        resolve(`http://${m[1]}`);
      }
    };
    child.stderr?.on('data', check);
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited with ${code} before listening:\n${out}`));
    });
  });
  return {
    dir,
    socketPath,
    pidFile,
    url,
    child,
    logs: () => out,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

function writeEmptyConfig(dir: string): string {
  const file = path.join(dir, 'daemon.json');
  if (!fs.existsSync(file)) fs.writeFileSync(file, '{}\n');
  return file;
}

export async function getJson(url: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(url);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, headers: res.headers };
}
