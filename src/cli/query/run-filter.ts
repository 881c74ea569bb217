// The filters of `patience runs`, applied by patience itself where the API cannot: to the
// live runs of --follow (the event stream sends every run), and to check that a daemon
// did not ignore a filter it does not know yet.
import type { ApiRun } from '../../shared/api/runs.ts';

export type RunStatus = 'succeeded' | 'failed';

export interface RunFilter {
  /** A substring of the command, case-sensitive, as the API's `command=`. */
  command?: string;
  status?: RunStatus;
  /** Every pair must be one of the run's labels. */
  labels: ReadonlyArray<readonly [string, string]>;
  sinceMs?: number;
  untilMs?: number;
}

export function matchesRun(run: ApiRun, f: RunFilter): boolean {
  const m = run.metrics;
  if (f.command !== undefined && !m.command.includes(f.command)) return false;
  if (f.status !== undefined && m.final_status !== f.status) return false;
  const at = Date.parse(run.timestamp);
  if (f.sinceMs !== undefined && at < f.sinceMs) return false;
  if (f.untilMs !== undefined && at > f.untilMs) return false;
  return f.labels.every(([k, v]) => labelOf(run, k) === v);
}

/** A label's value; own keys only, so that `constructor` is not read off Object.prototype. */
function labelOf(run: ApiRun, key: string): string | undefined {
  const labels = run.metrics.labels;
  return labels !== undefined && Object.hasOwn(labels, key) ? labels[key] : undefined;
}

/**
 * Whether a listing can be the answer to a `label=` query: each run has, for every key
 * asked for, one of the values asked for. Looser than matchesRun, so that it holds
 * whether the API reads two values of one key as "either" or "both"; a run without the
 * label at all shows that the daemon ignored the filter.
 */
export function honoursLabels(runs: readonly ApiRun[], labels: ReadonlyArray<readonly [string, string]>): boolean {
  if (labels.length === 0) return true;
  const wanted = new Map<string, Set<string>>();
  for (const [k, v] of labels) wanted.set(k, (wanted.get(k) ?? new Set()).add(v));
  return runs.every((run) =>
    [...wanted].every(([k, values]) => {
      const have = labelOf(run, k);
      return have !== undefined && values.has(have);
    }),
  );
}

/** Whether each command listed contains TEXT (any case), as an answer narrowed by `command=` must. */
export function honoursCommand(commands: readonly string[], text: string | undefined): boolean {
  if (text === undefined || text === '') return true;
  const lower = text.toLowerCase();
  return commands.every((c) => c.toLowerCase().includes(lower));
}
