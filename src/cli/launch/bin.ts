// The patience executable (dist/patience.cjs): runs the CLI bundle beside it
// (dist/patience-main.cjs) through the V8 code cache. Nothing else: the bundle's own entry
// (src/cli/bin.ts) boots main and exits with its code.
import { join } from 'node:path';
import { runWithCodeCache } from './code-cache.ts';

declare const __PATIENCE_MAIN_ID__: string;

const env = process.env;
runWithCodeCache(
  { file: join(__dirname, 'patience-main.cjs'), id: __PATIENCE_MAIN_ID__ },
  { env, debug: env.PATIENCE_DEBUG ? (m) => void process.stderr.write(`patience: debug: ${m}\n`) : undefined },
);
