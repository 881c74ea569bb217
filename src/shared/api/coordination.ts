// GET /api/coordination: the host-wide rate-limit ledger (docs/coordination.md). The route
// builds it, the dashboard and the tests read it.
import Type, { type Static } from 'typebox';
import { LimitParam } from './metrics.ts';

export const CoordinationQuery = Type.Object({ limit: Type.Optional(LimitParam(100, 1000)) });
export type CoordinationQuery = Static<typeof CoordinationQuery>;

export const CoordinationResource = Type.Object({
  resource_id: Type.String(),
  rate_limit: Type.Integer(),
  window_seconds: Type.Number(),
  granted_in_window: Type.Integer(),
  granted_total: Type.Integer(),
  refused_total: Type.Integer(),
  next_free_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'null when a slot is free now',
  }),
  last_used_at: Type.String({ format: 'date-time' }),
});
export type CoordinationResource = Static<typeof CoordinationResource>;

export const CoordinationResult = Type.Object({
  resources: Type.Array(CoordinationResource, { description: 'most recently used first' }),
  count: Type.Integer(),
  max_resources: Type.Integer(),
  evicted_total: Type.Integer(),
});
export type CoordinationResult = Static<typeof CoordinationResult>;
