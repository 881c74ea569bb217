// The soak's arithmetic and text: least-squares slopes, the table of samples and the summary.
import { fmt, percentile, table } from './measure.mjs';

const MB = 1024 * 1024;

/** Least-squares slope of y over x, or NaN with fewer than two distinct x. */
export function slope(points) {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? NaN : num / den;
}

/**
 * Slope of `field` (bytes) over the samples in the second half of the run, in MB per minute
 * and as % of its mean per 10 minutes.
 */
export function secondHalfTrend(samples, field, runSeconds) {
  const half = samples.filter((s) => s.t_s >= runSeconds / 2);
  const points = half.map((s) => ({ x: s.t_s / 60, y: s[field] / MB }));
  const perMin = slope(points);
  const mean = points.reduce((a, p) => a + p.y, 0) / (points.length || 1);
  return {
    samples: points.length,
    from_s: half[0]?.t_s,
    mb_per_min: perMin,
    mean_mb: mean,
    pct_of_mean_per_10min: (perMin * 10 * 100) / mean,
  };
}

/** p50 / p99 / max (ms) of a list of latencies. */
export function latencyFigures(list) {
  const s = [...list].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p99: percentile(s, 99), max: s[s.length - 1] };
}

export function samplesTable(samples) {
  return table(
    ['t s', 'RSS MB', 'heap MB', 'ELD p50/p99/max ms', 'stored', 'received', 'rate/s', 'reads p50/p99 ms', 'errors'],
    samples.map((s) => [
      fmt(s.t_s),
      fmt(s.rss / MB, 1),
      fmt(s.heap_used / MB, 1),
      `${fmt(s.eld_p50_ms, 1)} / ${fmt(s.eld_p99_ms, 1)} / ${fmt(s.eld_max_ms, 1)}`,
      fmt(s.stored),
      fmt(s.received),
      fmt(s.ingest_rate, 0),
      `${fmt(s.read_p50_ms, 1)} / ${fmt(s.read_p99_ms, 1)}`,
      fmt(s.client_errors),
    ]),
  );
}

export function summaryText(summary) {
  const r = summary.rss_trend;
  const h = summary.heap_trend;
  const a = summary.accounting;
  const lines = [
    `RSS: ${fmt(summary.rss_start / MB, 1)} MB at the first sample, ${fmt(summary.rss_end / MB, 1)} MB at the last, max ${fmt(summary.rss_max / MB, 1)} MB`,
    `RSS slope over the second half (from ${fmt(r.from_s)} s, ${r.samples} samples): ${fmt(r.mb_per_min, 3)} MB/min = ${fmt(r.pct_of_mean_per_10min, 2)} % of its mean (${fmt(r.mean_mb, 1)} MB) per 10 min`,
    `heap used slope over the second half: ${fmt(h.mb_per_min, 3)} MB/min = ${fmt(h.pct_of_mean_per_10min, 2)} % of its mean (${fmt(h.mean_mb, 1)} MB) per 10 min`,
    `event-loop delay (as /api/daemon/performance reports it: ${summary.eld_note}): max ${fmt(summary.eld_max_ms, 1)} ms, worst p99 ${fmt(summary.eld_p99_worst_ms, 1)} ms`,
    `ingest: ${fmt(a.acked)} acked of ${fmt(a.sent)} sent at ${fmt(summary.achieved_rate, 1)} records/s (target ${fmt(summary.target_rate)}); daemon received ${fmt(a.received)}, rejected ${fmt(a.rejected_total)}`,
    `stored: ${fmt(a.stored)}, expected min(acked, max_metrics) = ${fmt(a.expected_stored)}; lost: ${fmt(a.lost)}`,
    `SSE events per client: ${summary.sse_events.map((n) => fmt(n)).join(' / ')}; dropped slow: ${fmt(summary.sse_dropped_slow)}`,
    `daemon CPU: ${fmt(a.cpu.user_seconds + a.cpu.system_seconds, 1)} s (${fmt(((a.cpu.user_seconds + a.cpu.system_seconds) * 100) / summary.seconds, 1)} % of one core); GC: ${fmt(a.gc.count)} collections, ${fmt(a.gc.total_pause_seconds, 2)} s of pauses`,
    `reads (${fmt(summary.reads.n)} requests): p50 ${fmt(summary.reads.p50, 1)} ms, p99 ${fmt(summary.reads.p99, 1)} ms, max ${fmt(summary.reads.max, 1)} ms`,
    `client errors: ${fmt(summary.client_errors)}${summary.first_error ? ` (first: ${summary.first_error})` : ''}`,
    `load average: ${summary.load_before.join(' ')} at the start, ${summary.load_after.join(' ')} at the end`,
  ];
  return lines.map((l) => `  ${l}`).join('\n');
}
