// The daemon's JSON API as the dashboard uses it. The shapes are the API's own schemas
// (src/shared/api/), imported as types only: nothing of them ends up in the bundle.
import type { ApiRun } from '../shared/api/runs.ts';
import type { CommandsResult, RecentResult, StatsResult } from '../shared/api/metrics.ts';
import type { DaemonStats } from '../shared/api/daemon.ts';
import type { CoordinationResult } from '../shared/api/coordination.ts';
import type { ApiError } from '../shared/api/errors.ts';

export type { ApiRun, CommandsResult, DaemonStats, RecentResult, StatsResult };

/** GET /api/coordination: the host-wide rate-limit ledger. */
export type { CoordinationResult };

export interface Range {
  startMs: number;
  endMs: number;
}

async function getJson<T>(path: string, params: Record<string, string> = {}): Promise<T> {
  const qs = new URLSearchParams(params).toString();
  const res = await fetch(qs ? `${path}?${qs}` : path, { headers: { Accept: 'application/json' } });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      message = ((await res.json()) as Partial<ApiError>).error ?? message;
    } catch {
      // not JSON: keep the status line
    }
    throw new Error(`${path}: ${message}`);
  }
  return (await res.json()) as T;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const bounds = (r: Range): Record<string, string> => ({ start: iso(r.startMs), end: iso(r.endMs) });

export const api = {
  daemonStats: () => getJson<DaemonStats>('/api/daemon/stats'),
  coordination: (limit: number) => getJson<CoordinationResult>('/api/coordination', { limit: String(limit) }),
  stats: (r: Range) => getJson<StatsResult>('/api/metrics/stats', bounds(r)),
  commands: (r: Range, limit: number) =>
    getJson<CommandsResult>('/api/metrics/commands', { ...bounds(r), limit: String(limit) }),
  recent: (r: Range, limit: number) =>
    getJson<RecentResult>('/api/metrics/recent', { since: iso(r.startMs), until: iso(r.endMs), limit: String(limit) }),
};
