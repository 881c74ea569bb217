// /api/daemon/* and /api/health.
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../app.ts';
import { formatGoDuration } from '../../shared/duration.ts';
import { REJECT_REASONS } from '../../ingest/counters.ts';
import { rfc3339 } from '../wire/time.ts';
import type { EventStreams } from '../live/event-streams.ts';
import { DaemonStats, Health, PerformanceReport } from '../../shared/api/daemon.ts';
import { COMMON_ERRORS, errorResponses } from '../errors.ts';

const ERRORS = errorResponses(...COMMON_ERRORS);

// Long because each route carries its schema.
export function daemonRoutes(deps: AppDeps, streams: EventStreams): FastifyPluginCallbackTypebox {
  return (app, _opts, done) => {
    const { info, counters } = deps;
    // 200 only while healthy, so that a plain HTTP check (load balancer, systemd, curl -f)
    // notices a storage fault without reading the body.
    app.get(
      '/api/health',
      {
        schema: {
          summary: 'healthy (200), or degraded/unhealthy storage (503)',
          response: {
            ...ERRORS,
            200: { ...Health, description: 'healthy' },
            503: { ...Health, description: 'degraded or unhealthy, with the reason and the faults' },
          },
        },
      },
      async (_req, reply) => {
        const report = deps.health.report();
        const base = { status: report.status, timestamp: Math.floor(deps.now() / 1000), version: info.version };
        if (report.status === 'healthy') return base;
        return reply.code(503).send({ ...base, reason: report.reason, faults: report.faults });
      },
    );

    app.get(
      '/api/daemon/stats',
      { schema: { summary: 'the store, limits, counts and connections', response: { 200: DaemonStats, ...ERRORS } } },
      async () => {
        const last = info.lastCleanupMs();
        const rejected: Record<string, number> = {};
        for (const r of REJECT_REASONS) rejected[r] = counters.rejected[r];
        return {
          total_metrics: deps.store.count(),
          // max_metrics (the store's maxRecords), under the original Go daemon's name for it.
          max_size: deps.store.limits.maxRecords,
          // What max_store_bytes counts (docs/record-limits.md), and the budget.
          store_bytes: deps.store.bytes(),
          max_store_bytes: deps.store.limits.maxBytes ?? null,
          max_age: formatGoDuration(info.maxAgeMs),
          last_cleanup: last === undefined ? null : rfc3339(last),
          uptime_seconds: (deps.now() - info.startedAtMs) / 1000,
          version: info.version,
          pid: process.pid,
          received: counters.received,
          rejected,
          rejected_total: counters.rejectedTotal(),
          connections_active: counters.connectionsActive,
          connections_waiting: counters.connectionsWaiting,
          socket_path: info.socketPath,
          http: info.httpAddress(),
          storage: deps.store.kind === 'memory' ? 'memory' : deps.store.location,
          event_streams: streams.stats(),
        };
      },
    );

    app.get(
      '/api/daemon/performance',
      {
        schema: {
          summary: 'memory, GC, event loop, runtime and CPU',
          response: { 200: PerformanceReport, ...ERRORS },
        },
      },
      async () => deps.runtime.report(),
    );
    done();
  };
}
