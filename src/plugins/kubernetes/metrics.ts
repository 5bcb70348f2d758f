// The kubernetes plugin's metrics: whether the cluster state is synced, and how
// the API server answers. CoreDNS exports neither (its client-go request metrics
// aside), so these carry kdns's own prefix rather than borrow a CoreDNS name.
// They are read from the store and the source when /metrics is scraped: nothing
// is recorded per query or per event.

import type { ApiHealth } from '../../k8s/health.js';
import { follow } from '../../metrics/metric.js';
import type { Metrics } from '../../metrics/registry.js';
import type { ClusterView } from './objects.js';

const LABELS = ['server', 'zone'];

/** How the fixture file reads (FixtureSource). */
export interface FixtureHealth {
  readonly failing: boolean;
  readonly errors: number;
}

/** Registers the scrape hook; returns its unsubscribe function (for stop(): a reload replaces the plugin). */
export function watchMetrics(metrics: Metrics, server: string, zone: string, view: ClusterView, api: ApiHealth | undefined,
  fixture?: FixtureHealth): () => void {
  const synced = metrics.gauge('kdns_kubernetes_synced',
    '1 once the cluster state has been read in full (first list of every resource, or the fixture file), else 0.', LABELS)
    .labels(server, zone);
  if (fixture) {
    const failing = metrics.gauge('kdns_kubernetes_fixture_failing',
      '1 while the fixture file cannot be used (the last good state is served), else 0.', LABELS).labels(server, zone);
    const errors = follow(metrics.counter('kdns_kubernetes_fixture_errors_total',
      'Re-reads of the fixture file that failed.', LABELS).labels(server, zone));
    return metrics.onScrape(() => {
      synced.set(view.synced ? 1 : 0);
      failing.set(fixture.failing ? 1 : 0);
      errors(fixture.errors);
    });
  }
  if (!api) return metrics.onScrape(() => synced.set(view.synced ? 1 : 0));
  const reachable = metrics.gauge('kdns_kubernetes_api_reachable', '1 while the last request for every resource watched succeeded, else 0.', LABELS)
    .labels(server, zone);
  const failures = follow(metrics.counter('kdns_kubernetes_api_failures_total',
    'API requests that failed (connection refused, error status, stalled watch).', LABELS).labels(server, zone));
  const requests = metrics.counter('kdns_kubernetes_api_requests_total',
    'API requests (list and watch) by result: the HTTP status, or "<error>" when none came back.', [...LABELS, 'code']);
  const byCode = new Map<string, (total: number) => void>();
  return metrics.onScrape(() => {
    synced.set(view.synced ? 1 : 0);
    reachable.set(api.reachable ? 1 : 0);
    failures(api.failures);
    for (const [code, n] of api.requests) {
      let feed = byCode.get(code);
      if (!feed) byCode.set(code, (feed = follow(requests.labels(server, zone, code))));
      feed(n);
    }
  });
}
