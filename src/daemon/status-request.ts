// The daemon's side of `patienced -status`: `{"type":"status"}` on the socket is answered
// with who it is. Asking the socket finds the daemon that really serves it, whatever port
// it got (-port 0) and whether HTTP is on at all.
import type { Store } from '../store/types.ts';
import type { HealthStatus, StorageHealth } from './storage-health.ts';

export const STATUS_REQUEST = { type: 'status' } as const;

export interface DaemonStatus {
  pid: number;
  version: string;
  uptime_seconds: number;
  socket_path: string;
  /** "host:port", or "" when HTTP is disabled. */
  http: string;
  total_metrics: number;
  max_metrics: number;
  /** "memory" or the data file. */
  storage: string;
  /** As /api/health says it, with the reason when not healthy. */
  health?: HealthStatus;
  health_reason?: string;
  profiling: boolean;
  /** The token this instance wrote into its pid file (absent over HTTP, and from older versions). */
  instance?: string;
}

export interface StatusSource {
  pid: number;
  version: string;
  socketPath: string;
  startedAtMs: number;
  profiling: boolean;
  httpAddress: () => string;
  /** Its limits.maxRecords is the max_metrics setting. */
  store: Pick<Store, 'count' | 'kind' | 'location' | 'limits'>;
  health?: Pick<StorageHealth, 'report'>;
  now: () => number;
  /** The pid file's instance token, when start-up wrote one. */
  instance?: string | undefined;
}

export function statusControl(src: StatusSource): (request: { type: unknown }) => Record<string, unknown> | undefined {
  return (request) => {
    if (request.type !== STATUS_REQUEST.type) return undefined;
    const health: { status: HealthStatus; reason?: string } = src.health?.report() ?? { status: 'healthy' };
    const daemon: DaemonStatus = {
      pid: src.pid,
      version: src.version,
      uptime_seconds: (src.now() - src.startedAtMs) / 1000,
      socket_path: src.socketPath,
      http: src.httpAddress(),
      total_metrics: src.store.count(),
      max_metrics: src.store.limits.maxRecords,
      storage: src.store.kind === 'memory' ? 'memory' : src.store.location,
      health: health.status,
      ...(health.reason === undefined ? {} : { health_reason: health.reason }),
      profiling: src.profiling,
      ...(src.instance === undefined ? {} : { instance: src.instance }),
    };
    return { status: 'ok', daemon };
  };
}
