// -install-service and -uninstall-service: run the scripts/install.sh or uninstall.sh that
// came with this bundle. In a checkout, in an installed npm package and in a service
// install alike, the bundle is dist/patienced.cjs and the scripts are in ../scripts/, so
// the one installer does the work in every case and patienced only finds it and runs it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ServiceAction } from './config/index.ts';
import { ownScript } from './process-check.ts';

const SCRIPT: Readonly<Record<ServiceAction, string>> = {
  'install-service': 'install.sh',
  'uninstall-service': 'uninstall.sh',
};

/** The script is missing: a bundle copied without the rest of its package. Not a usage error, so 1 rather than 2. */
export const MISSING_SCRIPT_EXIT = 1;

export interface ServiceScriptDeps {
  /** Passed to the script as it is: PREFIX, DESTDIR, TARGET_OS, PURGE… (see docs/operations.md). */
  env: NodeJS.ProcessEnv;
  stderr: NodeJS.WritableStream;
  /** The running bundle, symlinks resolved (default: this process's own script). */
  bundle?: string;
  /** The Node.js running this bundle: the one its better-sqlite3 was built for (default process.execPath). */
  execPath?: string;
  isFile?: (file: string) => boolean;
  /** Runs `bash SCRIPT` with the terminal inherited; resolves to its exit code. */
  runScript?: (script: string, env: NodeJS.ProcessEnv) => Promise<number>;
}

/** Where the script for `action` sits relative to the bundle: dist/patienced.cjs → scripts/install.sh. */
export function serviceScriptPath(bundle: string, action: ServiceAction): string {
  return path.join(path.dirname(bundle), '..', 'scripts', SCRIPT[action]);
}

export async function runServiceScript(action: ServiceAction, deps: ServiceScriptDeps): Promise<number> {
  const bundle = deps.bundle ?? ownScript();
  const script = serviceScriptPath(bundle, action);
  const isFile = deps.isFile ?? defaultIsFile;
  if (!isFile(script)) {
    deps.stderr.write(
      `patienced: cannot -${action}: ${script} is missing (${bundle} was copied without the rest of its ` +
        `package); use the patienced of an installed package or a checkout, or run its scripts/${SCRIPT[action]}\n`,
    );
    return MISSING_SCRIPT_EXIT;
  }
  // The installed wrappers record the node that runs the installer. This one is known to
  // run patienced and to match the compiled better-sqlite3 that is copied with it; sudo's
  // PATH might find another, or none.
  const env = { ...deps.env, NODE: deps.env['NODE'] || (deps.execPath ?? process.execPath) };
  return (deps.runScript ?? bashRunner(deps.stderr))(script, env);
}

function defaultIsFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * bash, not sh: the scripts are written for it (`#!/usr/bin/env bash`, `set -o pipefail`),
 * and an npm package does not always keep their executable bit.
 */
function bashRunner(stderr: NodeJS.WritableStream): (script: string, env: NodeJS.ProcessEnv) => Promise<number> {
  return (script, env) =>
    new Promise((resolve) => {
      const child = spawn('bash', [script], { env, stdio: 'inherit' });
      child.once('error', (err: NodeJS.ErrnoException) => {
        stderr.write(`patienced: cannot run bash ${script}: ${err.code ?? err.message}\n`);
        resolve(1);
      });
      child.once('close', (code, signal) => {
        // The shell's own convention for a child killed by a signal.
        resolve(code ?? 128 + (signal === null ? 0 : os.constants.signals[signal]));
      });
    });
}
