// `patience runs` and `patience stats`: the daemon's records from the terminal. main.ts
// dispatches here before any strategy parsing, and loads this code only when asked for
// one of them, so a retry run starts as fast as before.
import { UsageError } from '../errors.ts';
import { DaemonClient } from './daemon-client.ts';
import { findDaemonUrl } from './daemon-url.ts';
import { outputWidth, realQueryDeps, type QueryContext, type QueryDeps } from './deps.ts';
import { DaemonError, QUERY_EXIT, QueryRefused } from './errors.ts';
import { parseRunsArgs, parseStatsArgs, type DaemonFlags } from './flags.ts';
import { noPaint, paint, useColor } from './format.ts';
import { runsCommand } from './runs.ts';
import { statsCommand } from './stats.ts';

/** Runs `patience runs …` or `patience stats …` (argv from the subcommand on); resolves to the exit code. */
export async function queryMain(argv: readonly string[], overrides: Partial<QueryDeps> = {}): Promise<number> {
  const given = Object.entries(overrides).filter(([, v]) => v !== undefined);
  const d: QueryDeps = { ...realQueryDeps(), ...(Object.fromEntries(given) as Partial<QueryDeps>) };
  const [which, ...rest] = argv;
  try {
    if (which === 'runs') {
      const parsed = parseRunsArgs(rest, d.now(), d.stdout);
      if (parsed.kind === 'done') return parsed.code;
      return await runsCommand(parsed.options, context(parsed.options, d));
    }
    const parsed = parseStatsArgs(rest, d.now(), d.stdout);
    if (parsed.kind === 'done') return parsed.code;
    return await statsCommand(parsed.options, context(parsed.options, d));
  } catch (err) {
    if (err instanceof UsageError) {
      d.stderr.write(`patience: ${err.message}\n${err.hint ? `${err.hint}\n` : ''}`);
      return QUERY_EXIT.usage;
    }
    if (err instanceof QueryRefused) {
      d.stderr.write(`patience: ${err.message}\n`);
      return QUERY_EXIT.usage;
    }
    if (err instanceof DaemonError) {
      d.stderr.write(`patience: ${err.message}\n`);
      return QUERY_EXIT.daemon;
    }
    throw err;
  }
}

function context(flags: DaemonFlags, d: QueryDeps): QueryContext {
  const daemon = findDaemonUrl({
    flag: flags.daemonUrl,
    configPath: flags.configPath,
    env: d.env,
    cwd: d.cwd,
    exists: d.exists,
    read: d.read,
  });
  return {
    client: new DaemonClient(daemon, d.transport),
    deps: d,
    width: outputWidth(d),
    paint: useColor(d.stdoutIsTTY, d.env) ? paint : noPaint,
  };
}
