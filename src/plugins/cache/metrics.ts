// The cache's metrics under CoreDNS's names (plugin/cache/metrics.go). Counted by
// the cache as plain fields; copied into the families when /metrics is scraped, as
// increments, so that a counter keeps counting when a reload replaces the cache.

import type { Metrics } from '../../metrics/registry.js';
import type { Cache } from './cache.js';
import type { Kind } from './entry.js';

const KINDS: readonly Kind[] = ['success', 'denial'];

/** Registers the scrape hook; returns its unsubscribe function (for stop()). */
export function watchMetrics(metrics: Metrics, server: string, cache: Cache): () => void {
  const zones = cache.cfg.zones.join(',');
  const view = '';
  const byType = ['server', 'type', 'zones', 'view'];
  const plain = ['server', 'zones', 'view'];
  const entries = metrics.gauge('coredns_cache_entries', 'The number of elements in the cache.', byType);
  const hits = metrics.counter('coredns_cache_hits_total', 'The count of cache hits.', byType);
  const evictions = metrics.counter('coredns_cache_evictions_total', 'The count of cache evictions.', byType);
  const series = {
    requests: metrics.counter('coredns_cache_requests_total', 'The count of cache requests.', plain).labels(server, zones, view),
    misses: metrics.counter('coredns_cache_misses_total', 'The count of cache misses. Deprecated, derive misses from cache hits/requests counters.',
      plain).labels(server, zones, view),
    prefetches: metrics.counter('coredns_cache_prefetch_total', 'The number of times the cache has prefetched a cached item.',
      plain).labels(server, zones, view),
    servedStale: metrics.counter('coredns_cache_served_stale_total', 'The number of requests served from stale cache entries.',
      plain).labels(server, zones, view),
  };
  const perKind = KINDS.map((kind) => ({
    kind,
    entries: entries.labels(server, kind, zones, view),
    hits: hits.labels(server, kind, zones, view),
    evictions: evictions.labels(server, kind, zones, view),
  }));
  const s = cache.stats;
  let last = { requests: 0, misses: 0, prefetches: 0, servedStale: 0, hits: { success: 0, denial: 0 }, evictions: { success: 0, denial: 0 } };
  return metrics.onScrape(() => {
    for (const k of ['requests', 'misses', 'prefetches', 'servedStale'] as const) series[k].inc(s[k] - last[k]);
    for (const p of perKind) {
      p.entries.set(cache.entries(p.kind));
      p.hits.inc(s.hits[p.kind] - last.hits[p.kind]);
      p.evictions.inc(s.evictions[p.kind] - last.evictions[p.kind]);
    }
    last = { ...s, hits: { ...s.hits }, evictions: { ...s.evictions } };
  });
}
