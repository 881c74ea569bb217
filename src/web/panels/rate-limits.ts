// The "Rate limits" panel: the host-wide ledger from GET /api/coordination, shown only once
// any resource exists. Resource names come from clients, so they reach the page as text only.
import type { CoordinationResult } from '../api.ts';
import { byId, el, fill } from '../dom.ts';
import { count, shortTime } from '../format.ts';

export const RATE_LIMIT_ROWS = 50;

/** "2 per 10s", "1 per 0.5s", "100 per 1h". */
export function perWindow(limit: number, windowSeconds: number): string {
  const w =
    windowSeconds >= 3600 && windowSeconds % 3600 === 0
      ? `${windowSeconds / 3600}h`
      : windowSeconds >= 60 && windowSeconds % 60 === 0
        ? `${windowSeconds / 60}m`
        : `${windowSeconds}s`;
  return `${limit} per ${w}`;
}

export function renderRateLimits(result: CoordinationResult): void {
  const panel = byId('rate-limits');
  panel.hidden = result.resources.length === 0;
  const more = result.count - result.resources.length;
  byId('rate-limits-note').textContent =
    more > 0
      ? `${count(result.count)} resources; the ${count(result.resources.length)} used most recently are shown.`
      : '';
  const now = Date.now();
  fill(
    byId('rate-limits-body'),
    result.resources.map((r) =>
      el(
        'tr',
        { 'data-resource': r.resource_id },
        el('td', { class: 'cmd', title: r.resource_id }, el('code', {}, r.resource_id)),
        el('td', { class: 'num used' }, `${r.granted_in_window}/${perWindow(r.rate_limit, r.window_seconds)}`),
        el('td', { class: 'num granted' }, count(r.granted_total)),
        el('td', { class: 'num refused' }, count(r.refused_total)),
        el('td', { class: 'time next' }, r.next_free_at === null ? 'now' : shortTime(Date.parse(r.next_free_at), now)),
        el('td', { class: 'time last' }, shortTime(Date.parse(r.last_used_at), now)),
      ),
    ),
  );
}
