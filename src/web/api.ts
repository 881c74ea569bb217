// The daemon's JSON API as the dashboard uses it. The shapes are the server's own types,
// imported as types only (nothing from the server ends up in the bundle).
import type { ApiRun } from '../http/serialize.ts';
import type { CommandsResult, StatsResult } from '../store/types.ts';
import type { EventStreamStats } from '../http/live/event-streams.ts';
import type { CoordinationResult } from '../shared/coordination-api.ts';

export type { ApiRun, CommandsResult, StatsResult };

/** The fields of GET /api/daemon/stats that the dashboard shows. */
export interface DaemonStats {
  total_metrics: number;
  /** The max_metrics setting (maxRecords), under the original Go daemon's name for it. */
  max_size: number;
  max_age: string;
  last_cleanup: string | null;
  uptime_seconds: number;
  version: string;
  received: number;
  rejected_total: number;
  connections_active: number;
  socket_path: string;
  http: string;
  storage: string;
  event_streams?: EventStreamStats;
}

export interface RecentResult {
  metrics: ApiRun[];
  count: number;
}

/** The fields of a stored run record (ApiRun.metrics) that the dashboard reads. */
export interface RunFields {
  command: string;
  final_status: 'succeeded' | 'failed';
  total_duration_seconds: number;
  total_attempts: number;
  strategy?: string;
}

export function runFields(run: ApiRun): RunFields {
  return run.metrics as unknown as RunFields;
}

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
      message = ((await res.json()) as { error?: string }).error ?? message;
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
