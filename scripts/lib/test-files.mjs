// The test files under a directory. Node 20's test runner neither expands globs nor finds
// .ts files, so scripts/test.mjs and scripts/test-isolation.mjs list them with this.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every *.test.ts below dir (not in node_modules or fixtures), sorted. */
export function findTestFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(p).isDirectory()) out.push(...findTestFiles(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}
