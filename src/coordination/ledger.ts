// The host's one rate-limit ledger: a sliding window per resource. Pure: the clock comes
// in with each call. A grant is counted the moment it is decided, so two clients can never
// both take the last slot; the daemon persists grants afterwards and takes one back with
// undo() only when its storage failed (nothing was answered yet).
//
// Each request is judged by its own rate_limit L and window W against the resource's
// shared grant history: it is granted when fewer than L grants lie inside (now - W, now].
// That depends on the L-th newest grant alone, so a resource keeps at most the largest L it
// has seen (GrantRing), and only for the longest W it has seen.
import { GrantRing } from './grant-ring.ts';
import { DEFAULT_MAX_GRANTS, DEFAULT_MAX_RESOURCES } from './limits.ts';

export interface AcquireRequest {
  resource_id: string;
  rate_limit: number;
  window_seconds: number;
}

/** A grant as it is persisted: kept until expiresMs (its time plus the resource's longest window). */
export interface Grant {
  resourceId: string;
  atMs: number;
  rateLimit: number;
  windowMs: number;
  expiresMs: number;
}

export type Decision =
  { granted: true; grant: Grant } | { granted: false; waitUntilMs: number } | { granted: undefined; error: string };

/** One resource's figures at a moment (the HTTP layer turns them into /api/coordination's shape). */
export interface ResourceView {
  resource_id: string;
  rate_limit: number;
  window_seconds: number;
  granted_in_window: number;
  granted_total: number;
  refused_total: number;
  /** Unix ms when a slot frees under the last-seen limit and window; undefined when one is free now. */
  nextFreeMs: number | undefined;
  lastUsedMs: number;
}

export interface LedgerOptions {
  maxResources?: number;
  maxGrants?: number;
}

interface Resource {
  id: string;
  rateLimit: number;
  windowMs: number;
  /** The largest rate_limit seen: how many grant times the ring keeps. */
  keep: number;
  /** The longest window seen: how long grant times are kept. */
  horizonMs: number;
  ring: GrantRing;
  grantedTotal: number;
  refusedTotal: number;
  lastUsedMs: number;
}

export class Ledger {
  readonly maxResources: number;
  readonly maxGrants: number;
  /** Least recently used first: a use deletes and re-inserts (Map keeps insertion order). */
  private readonly resources = new Map<string, Resource>();
  private held = 0;
  evictedTotal = 0;

  constructor(opts: LedgerOptions = {}) {
    this.maxResources = opts.maxResources ?? DEFAULT_MAX_RESOURCES;
    this.maxGrants = opts.maxGrants ?? DEFAULT_MAX_GRANTS;
  }

  get count(): number {
    return this.resources.size;
  }

  /** Grant times held across all resources (bounded by maxGrants). */
  get grantsHeld(): number {
    return this.held;
  }

  /** Decides a validated request at nowMs, and counts a grant at once. */
  acquire(req: AcquireRequest, nowMs: number): Decision {
    const windowMs = req.window_seconds * 1000;
    const r = this.resources.get(req.resource_id) ?? this.create(req.resource_id, nowMs);
    if (typeof r === 'string') return { granted: undefined, error: r };
    this.touch(r, nowMs);
    r.rateLimit = req.rate_limit;
    r.windowMs = windowMs;
    r.keep = Math.max(r.keep, req.rate_limit);
    r.horizonMs = Math.max(r.horizonMs, windowMs);
    const lth = r.ring.newest(req.rate_limit);
    if (lth !== undefined && lth > nowMs - windowMs) {
      r.refusedTotal++;
      return { granted: false, waitUntilMs: lth + windowMs };
    }
    if (this.held >= this.maxGrants && r.ring.size < r.keep) {
      this.prune(nowMs);
      if (this.held >= this.maxGrants) {
        return {
          granted: undefined,
          error:
            `resource_id: the daemon's rate-limit ledger holds ${this.maxGrants} grants inside their windows (its bound); ` +
            `no slot can be counted for ${JSON.stringify(req.resource_id.slice(0, 64))} now; try again later`,
        };
      }
    }
    // Times never go back in a ring (a wall clock that stepped back is clamped).
    const atMs = Math.max(nowMs, r.ring.newest(1) ?? nowMs);
    this.held += 1 - r.ring.push(atMs, r.keep);
    r.grantedTotal++;
    return {
      granted: true,
      grant: { resourceId: r.id, atMs, rateLimit: req.rate_limit, windowMs, expiresMs: atMs + r.horizonMs },
    };
  }

  /** Takes back grants (newest first) whose storage failed; they were never answered. */
  undo(grants: readonly Grant[]): void {
    for (let i = grants.length - 1; i >= 0; i--) {
      const g = grants[i];
      const r = g && this.resources.get(g.resourceId);
      if (!r || r.ring.size === 0) continue;
      r.ring.pop();
      r.grantedTotal--;
      this.held--;
    }
  }

  /** Puts back a persisted grant at start-up (oldest first); not counted in granted_total. */
  restore(g: Grant, nowMs: number): void {
    if (g.expiresMs <= nowMs) return;
    let r = this.resources.get(g.resourceId);
    if (!r) {
      const made = this.create(g.resourceId, g.atMs);
      if (typeof made === 'string') return;
      r = made;
    }
    this.touch(r, Math.max(r.lastUsedMs, g.atMs));
    r.rateLimit = g.rateLimit;
    r.windowMs = g.windowMs;
    r.keep = Math.max(r.keep, g.rateLimit);
    r.horizonMs = Math.max(r.horizonMs, g.expiresMs - g.atMs, g.windowMs);
    if (this.held >= this.maxGrants && r.ring.size < r.keep) return;
    this.held += 1 - r.ring.push(Math.max(g.atMs, r.ring.newest(1) ?? g.atMs), r.keep);
  }

  /** Drops grant times that every window has left; returns how many. */
  prune(nowMs: number): number {
    let dropped = 0;
    for (const r of this.resources.values()) dropped += r.ring.trimThrough(nowMs - r.horizonMs);
    this.held -= dropped;
    return dropped;
  }

  /** Newest use first, at most `limit`. */
  list(nowMs: number, limit: number): ResourceView[] {
    const out: ResourceView[] = [];
    const all = [...this.resources.values()];
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
      const r = all[i];
      if (r) out.push(this.view(r, nowMs));
    }
    return out;
  }

  private view(r: Resource, nowMs: number): ResourceView {
    const lth = r.ring.newest(r.rateLimit);
    const busy = lth !== undefined && lth > nowMs - r.windowMs;
    return {
      resource_id: r.id,
      rate_limit: r.rateLimit,
      window_seconds: r.windowMs / 1000,
      granted_in_window: Math.min(r.ring.countAfter(nowMs - r.windowMs), r.rateLimit),
      granted_total: r.grantedTotal,
      refused_total: r.refusedTotal,
      nextFreeMs: busy ? lth + r.windowMs : undefined,
      lastUsedMs: r.lastUsedMs,
    };
  }

  private touch(r: Resource, nowMs: number): void {
    r.lastUsedMs = nowMs;
    this.resources.delete(r.id);
    this.resources.set(r.id, r);
  }

  /** A new resource, after evicting the least recently used idle one when full; or why not. */
  private create(id: string, nowMs: number): Resource | string {
    if (this.resources.size >= this.maxResources) {
      let victim: Resource | undefined;
      for (const r of this.resources.values()) {
        const newest = r.ring.newest(1);
        if (newest === undefined || newest <= nowMs - r.horizonMs) {
          victim = r;
          break;
        }
      }
      if (!victim) {
        return (
          `resource_id: the daemon already tracks ${this.maxResources} resources (max_rate_limit_resources), each with ` +
          `grants inside its window, so ${JSON.stringify(id.slice(0, 64))} cannot be added; try again once a window has passed, ` +
          'or raise max_rate_limit_resources'
        );
      }
      this.held -= victim.ring.size;
      this.resources.delete(victim.id);
      this.evictedTotal++;
    }
    const r: Resource = {
      id,
      rateLimit: 1,
      windowMs: 0,
      keep: 1,
      horizonMs: 0,
      ring: new GrantRing(),
      grantedTotal: 0,
      refusedTotal: 0,
      lastUsedMs: nowMs,
    };
    this.resources.set(id, r);
    return r;
  }
}
