// Durations as the original's status lines print them: 0.5s, 2s, 2.5s, 1m30s, 1h1m1s.
// Below 10 ms, milliseconds (the original printed "0.0s", which hides short delays).

export function formatDuration(ms: number): string {
  if (!(ms > 0)) return '0s';
  if (ms < 10) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(2))}s`;
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}`;
}
