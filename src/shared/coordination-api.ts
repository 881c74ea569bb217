// The wire shape of GET /api/coordination, in one place: the route builds it, the
// dashboard and the tests read it.

export interface CoordinationResource {
  resource_id: string;
  rate_limit: number;
  window_seconds: number;
  granted_in_window: number;
  granted_total: number;
  refused_total: number;
  /** RFC 3339; null when a slot is free now. */
  next_free_at: string | null;
  last_used_at: string;
}

export interface CoordinationResult {
  resources: CoordinationResource[];
  count: number;
  max_resources: number;
  evicted_total: number;
}
