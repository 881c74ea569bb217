// Grants and refusals per resource for /metrics, with a bounded label set: the first
// MAX_LABELLED resources the daemon answers keep a label of their own for its lifetime;
// every later one (and one literally named "other") is summed under "other". A label never
// moves, so each series only ever grows, as a Prometheus counter must.

export const MAX_LABELLED = 100;
export const OTHER = 'other';

export interface Tally {
  granted: number;
  refused: number;
}

export class CoordinationCounters {
  private readonly byLabel = new Map<string, Tally>();

  constructor(private readonly maxLabelled = MAX_LABELLED) {
    this.byLabel.set(OTHER, { granted: 0, refused: 0 });
  }

  record(resourceId: string, granted: boolean): void {
    let t = this.byLabel.get(resourceId);
    if (!t) {
      if (this.byLabel.size - 1 < this.maxLabelled) this.byLabel.set(resourceId, (t = { granted: 0, refused: 0 }));
      else t = this.byLabel.get(OTHER);
    }
    if (!t) return;
    if (granted) t.granted++;
    else t.refused++;
  }

  /** Every label with its tallies ("other" included, even at zero). */
  entries(): IterableIterator<[string, Tally]> {
    return this.byLabel.entries();
  }
}
