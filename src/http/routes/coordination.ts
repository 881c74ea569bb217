// GET /api/coordination: the host-wide rate-limit ledger, resource by resource, newest use
// first, at most `limit` (1..1000, default 100) of them.
import type { FastifyPluginCallback } from 'fastify';
import type { Ledger } from '../../coordination/ledger.ts';
import { rfc3339Millis } from '../../coordination/time.ts';
import { limitParam, type Query } from '../params.ts';
import type { CoordinationResult } from '../../shared/api/coordination.ts';

export function coordinationRoutes(ledger: Ledger, now: () => number): FastifyPluginCallback {
  return (app, _opts, done) => {
    app.get('/api/coordination', async (req): Promise<CoordinationResult> => {
      const limit = limitParam(req.query as Query, 'limit', 100, 1000);
      const t = now();
      const resources = ledger.list(t, limit).map((r) => ({
        resource_id: r.resource_id,
        rate_limit: r.rate_limit,
        window_seconds: r.window_seconds,
        granted_in_window: r.granted_in_window,
        granted_total: r.granted_total,
        refused_total: r.refused_total,
        next_free_at: r.nextFreeMs === undefined ? null : rfc3339Millis(r.nextFreeMs),
        last_used_at: rfc3339Millis(r.lastUsedMs),
      }));
      return { resources, count: ledger.count, max_resources: ledger.maxResources, evicted_total: ledger.evictedTotal };
    });
    done();
  };
}
