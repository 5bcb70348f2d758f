// forward's metrics under CoreDNS's names (plugin/forward and plugin/pkg/proxy
// metrics.go). Reply durations are observed as replies come in, in series bound
// per (upstream, rcode) on first use; the counters the plugin keeps as plain
// fields are copied in when /metrics is scraped.

import { rcodeName } from '../../dns/constants.js';
import { TIME_BUCKETS } from '../../metrics/dns.js';
import { follow, type HistogramSeries } from '../../metrics/metric.js';
import type { Metrics } from '../../metrics/registry.js';
import type { Forward } from './forward.js';

/** Wires `fwd`'s upstreams and counters; returns the unsubscribe function (for stop(): a reload replaces the plugin). */
export function watchMetrics(metrics: Metrics, fwd: Forward): () => void {
  const duration = metrics.histogram('coredns_proxy_request_duration_seconds', 'Histogram of the time each request took.',
    ['proxy_name', 'to', 'rcode'], TIME_BUCKETS);
  const probeFailures = metrics.counter('coredns_proxy_healthcheck_failures_total', 'Counter of the number of failed healthchecks.',
    ['proxy_name', 'to']);
  const feeds: ((() => void))[] = [];
  for (const up of fwd.upstreams) {
    const byRcode = new Map<number, HistogramSeries>();
    up.observe = (rcode, rttMs) => {
      let s = byRcode.get(rcode);
      if (!s) byRcode.set(rcode, (s = duration.labels('forward', up.label, rcodeName(rcode))));
      s.observe(rttMs / 1000);
    };
    const failures = follow(probeFailures.labels('forward', up.label));
    feeds.push(() => failures(up.healthcheckFailures));
  }
  const rejects = follow(metrics.counter('coredns_forward_max_concurrent_rejects_total',
    'Counter of the number of queries rejected because the concurrent queries were at maximum.').labels());
  const broken = follow(metrics.counter('coredns_forward_healthcheck_broken_total',
    'Counter of the number of complete failures of the healthchecks.').labels());
  feeds.push(() => rejects(fwd.maxConcurrentRejects), () => broken(fwd.healthcheckBroken));
  return metrics.onScrape(() => { for (const feed of feeds) feed(); });
}
