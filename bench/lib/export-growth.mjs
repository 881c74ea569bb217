// The daemon's RSS while it streams /api/metrics/export to a client that reads at full
// speed: growth over a settled baseline, sampled every 50 ms from /proc.
import http from 'node:http';
import { clientGc, median, rssBytes, sleep } from './measure.mjs';

const SAMPLE_MS = 50;

/**
 * The daemon's RSS once it has stopped moving: sampled every 50 ms until the last `windowMs`
 * stay within `toleranceBytes` (or `maxMs` passed), then the median of that window. The
 * daemon runs without Node flags, so the bench cannot ask it to collect; a settled figure
 * is what it holds at rest after whatever ran before.
 */
export async function settledRss(pid, { windowMs = 1_500, toleranceBytes = 1024 * 1024, maxMs = 20_000 } = {}) {
  const n = Math.ceil(windowMs / SAMPLE_MS);
  const samples = [];
  const t0 = Date.now();
  for (;;) {
    samples.push(rssBytes(pid));
    if (samples.length > n) samples.shift();
    const full = samples.length === n;
    if (full && Math.max(...samples) - Math.min(...samples) <= toleranceBytes) {
      return { rss: median(samples), settled: true, waited_ms: Date.now() - t0 };
    }
    if (Date.now() - t0 > maxMs) return { rss: median(samples), settled: false, waited_ms: Date.now() - t0 };
    await sleep(SAMPLE_MS);
  }
}

/**
 * Streams one export and discards it as fast as it arrives, sampling the daemon's RSS every
 * 50 ms from a settled baseline. Resolves with the bytes, the wall time, MB/s and the
 * growth at the peak and at the end.
 */
export async function exportGrowth(d, format) {
  clientGc();
  const base = await settledRss(d.pid);
  return new Promise((resolve, reject) => {
    let peak = base.rss;
    const timer = setInterval(() => (peak = Math.max(peak, rssBytes(d.pid))), SAMPLE_MS);
    let bytes = 0;
    const t0 = performance.now();
    const fail = (err) => {
      clearInterval(timer);
      reject(err);
    };
    http
      .get(`${d.url}/api/metrics/export?format=${format}`, { agent: false }, (res) => {
        res.on('data', (c) => (bytes += c.length));
        res.on('end', () => {
          clearInterval(timer);
          const end = rssBytes(d.pid);
          peak = Math.max(peak, end);
          const wallMs = performance.now() - t0;
          resolve({
            status: res.statusCode,
            bytes,
            wall_ms: wallMs,
            mb_per_sec: bytes / (1024 * 1024) / (wallMs / 1000),
            rss_base: base.rss,
            rss_base_settled: base.settled,
            rss_growth: peak - base.rss,
            rss_growth_at_end: end - base.rss,
          });
        });
        res.on('error', fail);
      })
      .on('error', fail);
  });
}
