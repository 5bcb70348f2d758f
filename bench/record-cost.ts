// `node dist/bench/record-cost.js`: what the per-query metrics cost, without
// sockets or a second process (so that it holds on a busy machine, where the
// dnsperf classes "cluster A (small state)" with and without `prometheus` are
// noisy): the recorder alone, then the whole dispatch path (parse, route, a
// kubernetes-like chain answering a kept Response, encode, record) for a block
// without and with `prometheus`, interleaved.

import { Type } from '../src/dns/constants.js';
import { Response, type Transport } from '../src/dns/message.js';
import { buildQuery, makeRequest } from '../src/dns/query.js';
import { rootLogger } from '../src/log.js';
import { QueryMetrics } from '../src/metrics/dns.js';
import { Metrics } from '../src/metrics/registry.js';
import type { Handler } from '../src/plugins/plugin.js';
import { compose } from '../src/server/chain.js';
import { Dispatcher } from '../src/server/dispatch.js';

const N = 1_000_000;
const BATCH = 500;

function median(xs: number[]): number {
  return xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

function recordCost(): number {
  const zone = new QueryMetrics(new Metrics()).zone('dns://:53', 'cluster.local.');
  const reqs = [
    makeRequest('kubernetes.default.svc.cluster.local.', Type.A),
    makeRequest('kubernetes.default.svc.cluster.local.', Type.AAAA, { udpSize: 1232 }),
    makeRequest('_https._tcp.kubernetes.default.svc.cluster.local.', Type.SRV, {}, {
      proto: 'tcp', remoteAddress: '2001:db8::1', remotePort: 5353, localPort: 53,
    }),
  ];
  const run = (n: number): number => {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) zone.record(reqs[i % 3]!, 100 + (i & 63), i % 7 === 0 ? 3 : 0, 'kubernetes', 0.0001 * (i & 15));
    return Number(process.hrtime.bigint() - t0) / n;
  };
  run(N / 10);
  return median([run(N), run(N), run(N)]);
}

/** A handler answering from a kept Response, as the kubernetes plugin does for a repeated question. */
function kept(): Handler {
  const resp = new Response();
  resp.authoritative = true;
  resp.answer = [{ name: 'kubernetes.default.svc.cluster.local.', ttl: 5, class: 1, type: Type.A, address: '10.96.0.1' }];
  return { name: 'kubernetes', serve: () => resp };
}

function dispatcher(metrics: boolean): Dispatcher {
  return new Dispatcher('dns://:53', [{
    zone: 'cluster.local.', chain: compose([kept()]), plugins: ['kubernetes'],
    metrics: metrics ? new QueryMetrics(new Metrics()) : undefined,
  }], rootLogger);
}

const transport: Transport = { proto: 'udp', remoteAddress: '127.0.0.1', remotePort: 5353, localPort: 53 };
const query = buildQuery('kubernetes.default.svc.cluster.local.', Type.A, { id: 7 });

async function dispatchCost(d: Dispatcher, n: number): Promise<number> {
  let answered = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i += BATCH) {
    await new Promise<void>((resolve) => {
      let left = BATCH;
      for (let k = 0; k < BATCH; k++) d.handle(query, transport, () => { answered++; if (--left === 0) resolve(); });
    });
  }
  if (answered !== n) throw new Error(`${answered} of ${n} answered`);
  return Number(process.hrtime.bigint() - t0) / n;
}

const record = recordCost();
const [plain, metered] = [dispatcher(false), dispatcher(true)];
await dispatchCost(plain, N / 10);
await dispatchCost(metered, N / 10);
const without: number[] = [];
const withMetrics: number[] = [];
for (let r = 0; r < 5; r++) {
  without.push(await dispatchCost(plain, N / 5));
  withMetrics.push(await dispatchCost(metered, N / 5));
}
process.stdout.write(`ZoneMetrics.record alone:           ${record.toFixed(0)} ns per query\n`
  + `dispatch path, block without prometheus: ${median(without).toFixed(0)} ns per query\n`
  + `dispatch path, block with prometheus:    ${median(withMetrics).toFixed(0)} ns per query (medians of 5 interleaved runs)\n`);
