// Starts the built daemon (dist/patienced.cjs) and the floor server as child processes,
// each in a temp directory of its own with its own socket and a free port, and makes sure
// every one of them is stopped and its directory removed: on stop(), on stopAll(), and
// (synchronously, with SIGKILL) when this process exits, once cleanUpOnExit() is on.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** PATIENCE_BENCH_DAEMON benches another build of the daemon (e.g. a copy of dist/ before a change). */
export const DAEMON_BIN = process.env.PATIENCE_BENCH_DAEMON
  ? path.resolve(process.env.PATIENCE_BENCH_DAEMON)
  : path.join(ROOT, 'dist/patienced.cjs');
const FLOOR_BIN = path.join(ROOT, 'bench/floor-server.mjs');
const HUNG_BIN = path.join(ROOT, 'bench/hung-server.mjs');

const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 15_000;
const LOG_KEEP = 64 * 1024;

/** Everything started and not yet stopped. */
const live = new Set();

/** On any exit of this process, SIGKILLs what is still running and removes its directory. */
export function cleanUpOnExit() {
  process.on('exit', () => {
    for (const p of live) {
      try {
        p.child.kill('SIGKILL');
      } catch {
        // already gone
      }
      fs.rmSync(p.dir, { recursive: true, force: true });
    }
  });
}

/**
 * A minimal environment: no NODE_EXTRA_CA_CERTS (it adds start-up cost), no NODE_OPTIONS,
 * no RETRY_* variables that would change the daemon's configuration.
 */
export function childEnv(home) {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home };
  if (process.env.LANG) env.LANG = process.env.LANG;
  return env;
}

function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Spawns `node ARGS` and resolves once `ready(output)` returns a truthy value.
 * Returns a handle with pid, dir, logs() and stop().
 */
async function launch({ label, dir, args, ready }) {
  const child = spawn(process.execPath, args, { cwd: dir, env: childEnv(dir), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const onData = (d) => {
    out += d.toString();
    if (out.length > LOG_KEEP * 2) out = out.slice(-LOG_KEEP);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const proc = {
    label,
    dir,
    child,
    pid: child.pid,
    logs: () => out,
    exitStatus: undefined,
    /** Throws, with the end of its output, when the process is gone. */
    assertAlive() {
      if (child.exitCode !== null || child.signalCode !== null || !fs.existsSync(`/proc/${child.pid}/stat`)) {
        throw new Error(
          `${label} (pid ${child.pid}) exited unexpectedly (${child.exitCode ?? child.signalCode ?? 'gone'}); its last output:\n${out.slice(-2000)}`,
        );
      }
    },
    async stop() {
      if (!live.has(proc)) return proc.exitStatus;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      proc.exitStatus = await exited;
      clearTimeout(timer);
      live.delete(proc);
      fs.rmSync(dir, { recursive: true, force: true });
      return proc.exitStatus;
    },
  };
  live.add(proc);
  try {
    proc.ready = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${label} did not start within ${START_TIMEOUT_MS} ms:\n${out}`)),
        START_TIMEOUT_MS,
      );
      const check = () => {
        const r = ready(out);
        if (r) {
          clearTimeout(timer);
          child.stdout.off('data', check);
          child.stderr.off('data', check);
          resolve(r);
        }
      };
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`${label} exited (${code ?? signal}) before it was ready:\n${out}`));
      });
    });
  } catch (err) {
    await proc.stop();
    throw err;
  }
  return proc;
}

/**
 * Starts patienced. opts.dataFile: true for a data file in its temp dir. opts.args: more flags.
 * opts.nodeFlags: Node's own flags (default none, as every launcher of the daemon runs it).
 * opts.bin: another build of the daemon (default dist/patienced.cjs), to compare two builds side by side.
 * Resolves with { pid, dir, socketPath, url, dataFile, logs(), stop() }.
 */
export async function spawnBenchDaemon({
  label = 'patienced',
  dataFile = false,
  args = [],
  nodeFlags = [],
  bin = DAEMON_BIN,
} = {}) {
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run node scripts/build.mjs daemon`);
  const dir = tempDir('patience-bench-d-');
  const socketPath = path.join(dir, 'd.sock');
  const config = path.join(dir, 'daemon.json');
  fs.writeFileSync(config, '{}\n');
  const dataPath = dataFile ? path.join(dir, 'metrics.db') : undefined;
  const argv = [
    ...nodeFlags,
    bin,
    '-socket',
    socketPath,
    '-pid-file',
    path.join(dir, 'd.pid'),
    '-port',
    '0',
    '-config',
    config,
  ];
  if (dataPath) argv.push('-data-file', dataPath);
  argv.push(...args);
  let proc;
  try {
    proc = await launch({
      label,
      dir,
      args: argv,
      ready: (out) => {
        const m = /"http":"([^"]+)"/.exec(out) ?? /http=(\S+)/.exec(out);
        return m && out.includes('listening') ? `http://${m[1]}` : undefined;
      },
    });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return Object.assign(proc, { socketPath, url: proc.ready, dataFile: dataPath });
}

/** Starts the bare node:net floor server. */
export async function startFloor({ label = 'floor', reply = false } = {}) {
  const dir = tempDir('patience-bench-f-');
  const socketPath = path.join(dir, 'f.sock');
  let proc;
  try {
    proc = await launch({
      label,
      dir,
      args: [FLOOR_BIN, socketPath, ...(reply ? ['--reply'] : [])],
      ready: (out) => out.includes('listening'),
    });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return Object.assign(proc, { socketPath });
}

/** Starts the hung server: accepts connections on a Unix socket and never answers. */
export async function startHung({ label = 'hung server' } = {}) {
  const dir = tempDir('patience-bench-h-');
  const socketPath = path.join(dir, 'h.sock');
  let proc;
  try {
    proc = await launch({ label, dir, args: [HUNG_BIN, socketPath], ready: (out) => out.includes('listening') });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return Object.assign(proc, { socketPath });
}

/** Stops everything still running (used on error and on SIGINT). */
export async function stopAll() {
  await Promise.all([...live].map((p) => p.stop()));
}
