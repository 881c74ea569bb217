// An unlabelled Prometheus histogram kept as plain numbers and turned into prom-client's
// exposition only at scrape time. prom-client's Histogram.observe() hashes its labels and
// allocates on every call (about 0.6 µs); this one is an array increment, which matters
// when every stored run is observed on the ingest path. Its output is the same as
// prom-client's Histogram with the same name, help and buckets (tallied-histogram.test.ts).
import type { Registry } from 'prom-client';

interface Sample {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
  exemplar: null | undefined;
}

export class TalliedHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  /** Observations per bucket; the last one is past every bound (+Inf only). */
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly bounds: readonly number[],
    registers: Registry[],
  ) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
    for (const r of registers) r.registerMetric(this as never);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    let i = 0;
    while (i < this.bounds.length && !(value <= this.bounds[i]!)) i++;
    this.counts[i]!++;
    this.sum += value;
    this.count++;
  }

  /** What the registry reads for the text exposition: prom-client's shape and order. */
  getForPromString(): { name: string; help: string; type: string; values: Sample[]; aggregator: string } {
    const values: Sample[] = [];
    const bucket = `${this.name}_bucket`;
    let acc = 0;
    this.bounds.forEach((le, i) => {
      acc += this.counts[i]!;
      values.push(sample({ le }, acc, bucket, null));
    });
    values.push(
      sample({ le: '+Inf' }, this.count, bucket, null),
      sample({}, this.sum, `${this.name}_sum`, undefined),
      sample({}, this.count, `${this.name}_count`, undefined),
    );
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** The JSON form (registry.getMetricsAsJSON): shared labels merged into labels, as prom-client does. */
  get(): Omit<ReturnType<TalliedHistogram['getForPromString']>, 'values'> & { values: Omit<Sample, 'sharedLabels'>[] } {
    const data = this.getForPromString();
    const values = data.values.map(({ sharedLabels, ...v }) => ({ ...v, labels: { ...v.labels, ...sharedLabels } }));
    return { ...data, values };
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

function sample(labels: Sample['labels'], value: number, metricName: string, exemplar: Sample['exemplar']): Sample {
  return { labels, sharedLabels: {}, value, metricName, exemplar };
}
