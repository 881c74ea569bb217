// GET /api/coordination: the host-wide rate-limit ledger, resource by resource, newest use
// first, at most `limit` (1..1000, default 100) of them.
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { Ledger } from '../../coordination/ledger.ts';
import { rfc3339Millis } from '../../coordination/time.ts';
import { CoordinationQuery, CoordinationResult } from '../../shared/api/coordination.ts';
import { COMMON_ERRORS, errorResponses } from '../errors.ts';

export function coordinationRoutes(ledger: Ledger, now: () => number): FastifyPluginCallbackTypebox {
  return (app, _opts, done) => {
    app.get(
      '/api/coordination',
      {
        schema: {
          summary: 'the host-wide rate-limit ledger (docs/coordination.md)',
          querystring: CoordinationQuery,
          response: { 200: CoordinationResult, ...errorResponses('bad_parameter', ...COMMON_ERRORS) },
        },
      },
      async (req) => {
        const t = now();
        const resources = ledger.list(t, Math.min(req.query.limit ?? 100, 1000)).map((r) => ({
          resource_id: r.resource_id,
          rate_limit: r.rate_limit,
          window_seconds: r.window_seconds,
          granted_in_window: r.granted_in_window,
          granted_total: r.granted_total,
          refused_total: r.refused_total,
          next_free_at: r.nextFreeMs === undefined ? null : rfc3339Millis(r.nextFreeMs),
          last_used_at: rfc3339Millis(r.lastUsedMs),
        }));
        return {
          resources,
          count: ledger.count,
          max_resources: ledger.maxResources,
          evicted_total: ledger.evictedTotal,
        };
      },
    );
    done();
  };
}
