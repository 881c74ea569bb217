// The package version: injected by the esbuild bundle; read from the working directory's
// package.json when the sources run directly (unit tests under tsx, from the repo root).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

declare const __PATIENCE_VERSION__: string | undefined;

function fromPackageJson(): string {
  const pkg: unknown = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8'));
  const version = (pkg as { version?: unknown }).version;
  return typeof version === 'string' ? version : '0.0.0';
}

export const VERSION: string = typeof __PATIENCE_VERSION__ === 'string' ? __PATIENCE_VERSION__ : fromPackageJson();
