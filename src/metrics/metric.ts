// Metric families whose series are plain objects. A plugin binds a series once
// (`family.labels(...)`, at setup or on first use of a label combination) and
// keeps it: recording is then a field update, never a label lookup. prom-client
// hashes the label set on every inc/observe, even through its `labels()` children,
// which the per-query path cannot afford.

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** A monotonic count. */
export class CounterSeries {
  value = 0;
  inc(n = 1): void {
    this.value += n;
  }
}

/**
 * Feeds `series` from a running total a plugin keeps as a plain field: call it
 * with the total when /metrics is scraped, and it adds what is new. The counter
 * keeps counting when a reload replaces the plugin (whose total starts again at 0).
 */
export function follow(series: CounterSeries): (total: number) => void {
  let last = 0;
  return (total) => {
    series.inc(total - last);
    last = total;
  };
}

/** A value that goes up and down, or is set (at scrape time, by an onScrape hook). */
export class GaugeSeries {
  value = 0;
  set(v: number): void {
    this.value = v;
  }
  inc(n = 1): void {
    this.value += n;
  }
  dec(n = 1): void {
    this.value -= n;
  }
}

export class HistogramSeries {
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

/** Prometheus text format (0.0.4): label values escape \, " and newline; help escapes \ and newline. */
function escapeLabel(v: string): string {
  return v.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

function escapeHelp(v: string): string {
  return v.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

export function formatValue(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function labelText(names: readonly string[], values: readonly string[]): string {
  return names.map((n, i) => `${n}="${escapeLabel(values[i]!)}"`).join(',');
}

interface Bound<S> {
  /** `a="x",b="y"`, rendered once when the series is bound. */
  readonly labels: string;
  readonly series: S;
}

export abstract class Family<S> {
  private readonly bound = new Map<string, Bound<S>>();

  constructor(readonly name: string, readonly help: string, readonly labelNames: readonly string[],
    readonly type: MetricType) {}

  /** The series for these label values, created at zero. Bind once and keep it: this builds a key. */
  labels(...values: string[]): S {
    if (values.length !== this.labelNames.length) {
      throw new TypeError(`${this.name}: want ${this.labelNames.length} label values, got ${values.length}`);
    }
    const key = values.join('\u0000');
    let b = this.bound.get(key);
    if (!b) this.bound.set(key, (b = { labels: labelText(this.labelNames, values), series: this.create() }));
    return b.series;
  }

  /** Drops one series (a label combination that no longer exists, e.g. a removed upstream). */
  remove(...values: string[]): void {
    this.bound.delete(values.join('\u0000'));
  }

  /** Drops every series. */
  reset(): void {
    this.bound.clear();
  }

  /** Appends this family's lines; a family without series writes nothing (as Go's client does). */
  expose(out: string[]): void {
    if (this.bound.size === 0) return;
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`);
    for (const b of this.bound.values()) this.write(out, b.labels, b.series);
  }

  protected abstract create(): S;
  protected abstract write(out: string[], labels: string, series: S): void;
}

function scalar(out: string[], name: string, labels: string, value: number): void {
  out.push(`${name}${labels ? `{${labels}}` : ''} ${formatValue(value)}`);
}

export class Counter extends Family<CounterSeries> {
  constructor(name: string, help: string, labelNames: readonly string[]) {
    super(name, help, labelNames, 'counter');
  }
  protected create(): CounterSeries {
    return new CounterSeries();
  }
  protected write(out: string[], labels: string, s: CounterSeries): void {
    scalar(out, this.name, labels, s.value);
  }
}

export class Gauge extends Family<GaugeSeries> {
  constructor(name: string, help: string, labelNames: readonly string[]) {
    super(name, help, labelNames, 'gauge');
  }
  protected create(): GaugeSeries {
    return new GaugeSeries();
  }
  protected write(out: string[], labels: string, s: GaugeSeries): void {
    scalar(out, this.name, labels, s.value);
  }
}

export class Histogram extends Family<HistogramSeries> {
  private readonly le: readonly string[];

  constructor(name: string, help: string, labelNames: readonly string[], readonly buckets: readonly number[]) {
    super(name, help, labelNames, 'histogram');
    if (labelNames.includes('le')) throw new TypeError(`${name}: 'le' is reserved for buckets`);
    this.le = [...buckets.map(formatValue), '+Inf'];
  }
  protected create(): HistogramSeries {
    return new HistogramSeries(this.buckets);
  }
  protected write(out: string[], labels: string, s: HistogramSeries): void {
    const sep = labels ? ',' : '';
    let cumulative = 0;
    for (let i = 0; i < this.le.length; i++) {
      cumulative += s.counts[i]!;
      out.push(`${this.name}_bucket{${labels}${sep}le="${this.le[i]}"} ${cumulative}`);
    }
    scalar(out, `${this.name}_sum`, labels, s.sum);
    scalar(out, `${this.name}_count`, labels, s.count);
  }
}
