// `node dist/bench/record-cost.js`: what recording the per-query metrics costs,
// in ns per query, without sockets (the dnsperf classes "cluster A (small state)"
// with and without `prometheus` measure the same end to end, within their noise).

import { Type } from '../src/dns/constants.js';
import { makeRequest } from '../src/dns/query.js';
import { QueryMetrics } from '../src/metrics/dns.js';
import { Metrics } from '../src/metrics/registry.js';

const N = 2_000_000;
const zone = new QueryMetrics(new Metrics()).zone('dns://:53', 'cluster.local.');
const reqs = [
  makeRequest('kubernetes.default.svc.cluster.local.', Type.A),
  makeRequest('kubernetes.default.svc.cluster.local.', Type.AAAA, { udpSize: 1232 }),
  makeRequest('_https._tcp.kubernetes.default.svc.cluster.local.', Type.SRV, {}, {
    proto: 'tcp', remoteAddress: '2001:db8::1', remotePort: 5353, localPort: 53,
  }),
];

function run(n: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) zone.record(reqs[i % 3]!, 100 + (i & 63), i % 7 === 0 ? 3 : 0, 'kubernetes', 0.0001 * (i & 15));
  return Number(process.hrtime.bigint() - t0) / n;
}

run(N / 10); // warm-up: bind the series, let V8 optimise
const runs = [run(N), run(N), run(N)].sort((a, b) => a - b);
process.stdout.write(`ZoneMetrics.record: ${runs[1]!.toFixed(0)} ns per query (median of 3 runs of ${N})\n`);
