// The metrics overview: totals, success rate, attempts, rescued runs and duration
// percentiles over the range, from GET /api/metrics/stats.
import type { StatsResult } from '../api.ts';
import { setText } from '../dom.ts';
import { count, decimal, duration, percent } from '../format.ts';

export function renderOverview(s: StatsResult): void {
  const none = s.total_runs === 0;
  setText('total-runs', count(s.total_runs));
  setText(
    'runs-split',
    none ? 'no runs in this range' : `${count(s.successful_runs)} succeeded · ${count(s.failed_runs)} failed`,
  );
  setText('success-rate', percent(s.success_rate, s.total_runs));
  setText('avg-attempts', none ? '–' : decimal(s.average_attempts));
  setText(
    'total-attempts',
    none ? '' : `${count(s.total_attempts)} attempt${s.total_attempts === 1 ? '' : 's'} in all`,
  );
  setText('rescued-runs', count(s.rescued_runs));
  setText('p50', none ? '–' : duration(s.duration_seconds.p50));
  setText('p90', none ? '–' : duration(s.duration_seconds.p90));
  setText('p99', none ? '–' : duration(s.duration_seconds.p99));
  setText(
    'duration-max',
    none ? '' : `max ${duration(s.duration_seconds.max)} · avg ${duration(s.average_duration_seconds)}`,
  );
  const rate = document.getElementById('success-rate');
  rate?.classList.toggle('bad', !none && s.success_rate < 0.9);
  rate?.classList.toggle('good', !none && s.success_rate >= 0.9);
}
