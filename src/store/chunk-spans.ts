// The earliest and latest run time of each chunk of the run shadow (sqlite-shadow.ts), so
// that a query over a time range skips the chunks that cannot hold a run in it. Runs
// arrive roughly in time order, so an hour's runs sit in a few chunks out of ~120 at a
// million rows. A removal leaves the span as it was: too wide is still correct, and a
// compaction, which moves rows between chunks, recomputes every span.

import { SHIFT } from './chunked-column.ts';

export class ChunkSpans {
  private min: number[] = [];
  private max: number[] = [];

  /** Row `r` now holds a run at `ts`. */
  widen(r: number, ts: number): void {
    const k = r >>> SHIFT;
    while (this.min.length <= k) {
      this.min.push(Infinity);
      this.max.push(-Infinity);
    }
    if (ts < (this.min[k] ?? Infinity)) this.min[k] = ts;
    if (ts > (this.max[k] ?? -Infinity)) this.max[k] = ts;
  }

  /** Whether chunk k may hold a run in [fromMs, toMs]. */
  overlaps(k: number, fromMs: number, toMs: number): boolean {
    return (this.max[k] ?? -Infinity) >= fromMs && (this.min[k] ?? Infinity) <= toMs;
  }

  /** Forgets every span, before the rows are laid out again. */
  clear(): void {
    this.min = [];
    this.max = [];
  }
}
