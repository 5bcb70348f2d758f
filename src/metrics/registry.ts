// The metrics of one kdns process (Instance.metrics), for the prometheus plugin to expose.
//
// For plugin authors. In setup, get the families by CoreDNS's names; bind each
// series once and keep it; record with plain field updates:
//
//   const hits = ctx.instance.metrics.counter('coredns_cache_hits_total',
//     'The count of cache hits.', ['server', 'type', 'zones', 'view']);
//   const successHits = hits.labels(`dns://:${ctx.port}`, 'success', zones, '');
//   ... successHits.inc();                               // per query: one addition
//
// A value the plugin already holds (a cache size, a sync flag) is read when
// /metrics is scraped instead: `const off = metrics.onScrape(() => entries.set(cache.size))`,
// and `off()` in the plugin's stop() (a reload replaces the plugin instance). A
// running total kept as a plain field feeds a counter through follow() (metric.ts).
// Families are get-or-create by name, so the same plugin in several server blocks,
// or again after a reload, shares them and counters keep counting. Asking for a
// name with another type or other labels is a bug and throws.

import { collectDefaultMetrics, Registry } from 'prom-client';
import { Counter, Gauge, Histogram, type Family } from './metric.js';

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Process metrics (process_*, nodejs_*), the counterpart of Go's collectors: one set per process, made on first scrape. */
let processRegistry: Registry | undefined;

function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

type AnyFamily = Family<unknown>;

export class Metrics {
  private readonly families = new Map<string, AnyFamily>();
  private readonly hooks = new Set<() => void>();

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.family(name, labelNames, Counter, () => new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.family(name, labelNames, Gauge, () => new Gauge(name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): Histogram {
    const h = this.family(name, labelNames, Histogram, () => new Histogram(name, help, labelNames, buckets));
    if (h.buckets.join() !== buckets.join()) throw new TypeError(`metric ${name} exists with other buckets`);
    return h;
  }

  /** `hook` runs before each scrape (to set gauges from live state); returns the unsubscribe function. */
  onScrape(hook: () => void): () => void {
    this.hooks.add(hook);
    return () => { this.hooks.delete(hook); };
  }

  /** Everything, in the Prometheus text format: kdns's families, then the process metrics. */
  async expose(): Promise<string> {
    for (const hook of this.hooks) hook();
    const out: string[] = [];
    for (const f of this.families.values()) f.expose(out);
    return `${out.join('\n')}\n${await processMetrics().metrics()}`;
  }

  private family<F extends AnyFamily>(name: string, labelNames: readonly string[],
    kind: abstract new (...args: never[]) => F, make: () => F): F {
    const existing = this.families.get(name);
    if (existing === undefined) {
      const f = make();
      this.families.set(name, f);
      return f;
    }
    if (!(existing instanceof kind) || existing.labelNames.join() !== labelNames.join()) {
      throw new TypeError(`metric ${name} exists as a ${existing.type} with labels {${existing.labelNames.join(',')}}`);
    }
    return existing;
  }
}
