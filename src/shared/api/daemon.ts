// GET /api/daemon/stats, /api/daemon/performance and /api/health.
import Type, { type Static } from 'typebox';

export const EventStreamStats = Type.Object({
  clients: Type.Integer(),
  max_clients: Type.Integer(),
  dropped_slow: Type.Integer({ description: 'clients cut off for not reading' }),
  refused: Type.Integer({ description: 'connections turned away because max_clients were open' }),
  max_buffered_bytes: Type.Integer({ description: 'the most unsent bytes any client has had queued' }),
});
export type EventStreamStats = Static<typeof EventStreamStats>;

export const DaemonStats = Type.Object({
  total_metrics: Type.Integer(),
  max_size: Type.Integer(),
  store_bytes: Type.Number({ description: 'what max_store_bytes counts (docs/record-limits.md)' }),
  max_store_bytes: Type.Union([Type.Number(), Type.Null()]),
  max_age: Type.String({ description: 'a Go duration such as 24h0m0s' }),
  last_cleanup: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  uptime_seconds: Type.Number(),
  version: Type.String(),
  pid: Type.Integer(),
  received: Type.Integer(),
  rejected: Type.Record(Type.String(), Type.Integer(), { description: 'by reason' }),
  rejected_total: Type.Integer(),
  connections_active: Type.Integer(),
  connections_waiting: Type.Integer(),
  socket_path: Type.String(),
  http: Type.String({ description: 'host:port' }),
  storage: Type.String({ description: '"memory" or the data file' }),
  event_streams: EventStreamStats,
});
export type DaemonStats = Static<typeof DaemonStats>;

export const PerformanceReport = Type.Object({
  memory: Type.Object({
    rss: Type.Number(),
    heap_used: Type.Number(),
    heap_total: Type.Number(),
    external: Type.Number(),
    array_buffers: Type.Number(),
  }),
  gc: Type.Object({ count: Type.Integer(), total_pause_seconds: Type.Number() }),
  event_loop: Type.Object({
    delay_p50_ms: Type.Number(),
    delay_p99_ms: Type.Number(),
    delay_max_ms: Type.Number(),
    utilization: Type.Number(),
  }),
  runtime: Type.Object({
    node_version: Type.String(),
    pid: Type.Integer(),
    uptime_seconds: Type.Number(),
    platform: Type.String(),
    arch: Type.String(),
    cpu_count: Type.Integer(),
  }),
  cpu: Type.Object({ user_seconds: Type.Number(), system_seconds: Type.Number() }),
});
export type PerformanceReport = Static<typeof PerformanceReport>;

const HealthStatus = Type.Union([Type.Literal('healthy'), Type.Literal('degraded'), Type.Literal('unhealthy')]);

export const HealthFault = Type.Object({
  source: Type.Union([
    Type.Literal('ingest'),
    Type.Literal('retention'),
    Type.Literal('reads'),
    Type.Literal('data_file'),
  ]),
  status: Type.Union([Type.Literal('degraded'), Type.Literal('unhealthy')]),
  reason: Type.String(),
  since: Type.String({ format: 'date-time' }),
});

/** 200 while healthy; 503 with `reason` and `faults` otherwise. */
export const Health = Type.Object({
  status: HealthStatus,
  timestamp: Type.Integer({ description: 'unix seconds' }),
  version: Type.String(),
  reason: Type.Optional(Type.String()),
  faults: Type.Optional(Type.Array(HealthFault)),
});
export type Health = Static<typeof Health>;
