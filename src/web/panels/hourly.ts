// The data of "Runs per hour": one slot per hour of the range, with the succeeded and
// failed runs of hourly_breakdown in it. Pure, so it is tested without a browser.
import type { Range, StatsResult } from '../api.ts';

const HOUR_MS = 3_600_000;
const HALF_HOUR_S = 1800;

/**
 * [x, succeeded, failed] per hour of the range, hours without runs as zero. x is the
 * middle of the hour (unix seconds): the two bars of an hour sit either side of it, so
 * both stay inside [hour, hour + 1 h) instead of straddling the hour's start.
 */
export function hourlySeries(stats: StatsResult, range: Range): [number[], number[], number[]] {
  const first = Math.floor(range.startMs / HOUR_MS);
  const last = Math.floor(range.endMs / HOUR_MS);
  const byHour = new Map<number, { total: number; rate: number }>();
  for (const h of stats.hourly_breakdown)
    byHour.set(Math.floor(Date.parse(h.hour) / HOUR_MS), { total: h.total_runs, rate: h.success_rate });
  const xs: number[] = [];
  const ok: number[] = [];
  const failed: number[] = [];
  for (let h = first; h <= last; h++) {
    const b = byHour.get(h);
    // success_rate is succeeded / total exactly, so rounding recovers the count.
    const succeeded = b ? Math.min(b.total, Math.max(0, Math.round(b.total * b.rate))) : 0;
    xs.push((h * HOUR_MS) / 1000 + HALF_HOUR_S);
    ok.push(succeeded);
    failed.push(b ? b.total - succeeded : 0);
  }
  return [xs, ok, failed];
}

/**
 * The x scale for hour middles from `minX` to `maxX`: the start of the first hour to the
 * end of the last. Ending at the last x instead would cut the current hour in half and
 * clip the bar drawn to the right of its middle (the failed runs).
 */
export function hourScale(minX: number, maxX: number): [number, number] {
  return [minX - HALF_HOUR_S, maxX + HALF_HOUR_S];
}
