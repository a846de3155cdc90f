import type { Histogram } from './metric-series';

/** One labelled histogram series to export. @internal */
export interface HistogramSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly histogram: Histogram;
}

/** A value as prom-client's registry renders it. */
interface ExportedValue {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName: string;
}

/**
 * A histogram that prom-client's `Registry` renders (it asks each metric for `get()`), filled
 * from {@link Histogram} accumulators at scrape time. prom-client's own `Histogram.observe`
 * hashes labels and allocates on every call, which the job hot path cannot afford. @internal
 */
export class HistogramMetric {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => Iterable<HistogramSeries>,
  ) {}

  get(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    aggregator: 'sum';
    values: ExportedValue[];
  }> {
    const values: ExportedValue[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const { labels, histogram } of this.read()) {
      let cumulative = 0;
      histogram.bounds.forEach((bound, i) => {
        cumulative += histogram.counts[i] as number;
        values.push({ labels: { ...labels, le: bound }, value: cumulative, metricName: bucketName });
      });
      values.push({ labels: { ...labels, le: '+Inf' }, value: histogram.count, metricName: bucketName });
      values.push({ labels: { ...labels }, value: histogram.sum, metricName: `${this.name}_sum` });
      values.push({ labels: { ...labels }, value: histogram.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    });
  }

  /** The accumulators belong to the metrics handle; a registry reset leaves them be. */
  reset(): void {}
}
