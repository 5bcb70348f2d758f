// The per-query metrics, through a real Dispatcher and chain (no sockets): labels
// as CoreDNS sets them, the `plugin` label, "dropped", panics, and sizes as sent.

import { expect } from 'chai';
import { Rcode, Type } from '../../src/dns/constants.js';
import { Response, type Transport } from '../../src/dns/message.js';
import { buildQuery, type QueryOptions } from '../../src/dns/query.js';
import { DnsError } from '../../src/errors.js';
import { rootLogger } from '../../src/log.js';
import { QueryMetrics, TIME_BUCKETS } from '../../src/metrics/dns.js';
import { Metrics } from '../../src/metrics/registry.js';
import type { Handler } from '../../src/plugins/plugin.js';
import { compose } from '../../src/server/chain.js';
import { Dispatcher } from '../../src/server/dispatch.js';

const UDP4: Transport = { proto: 'udp', remoteAddress: '192.0.2.1', remotePort: 5353, localPort: 53 };
const TCP6: Transport = { proto: 'tcp', remoteAddress: '2001:db8::1', remotePort: 5353, localPort: 53 };
const MAPPED: Transport = { proto: 'udp', remoteAddress: '::ffff:192.0.2.1', remotePort: 5353, localPort: 53 };

/** Answers with `rcode` and `txt` records of 200 bytes each. */
function answerer(name: string, rcode: number = Rcode.NOERROR, txt = 0): Handler {
  return {
    name,
    serve: (_ctx, req) => {
      const resp = new Response(rcode);
      resp.answer = Array.from({ length: txt }, () => ({
        name: req.qname, ttl: 5, class: 1, type: Type.TXT, text: ['x'.repeat(200)],
      }));
      return Promise.resolve(resp);
    },
  };
}

const passing = (name: string): Handler => ({ name, serve: (ctx, req, next) => next(ctx, req) });
const throwing = (name: string, err: unknown): Handler => ({ name, serve: () => Promise.reject(err) });

describe('per-query metrics', () => {
  let metrics: Metrics;
  let dispatcher: Dispatcher;

  async function ask(qname: string, qtype: number, transport = UDP4, opts: QueryOptions = {}): Promise<Buffer> {
    return new Promise((resolve) => dispatcher.handle(buildQuery(qname, qtype, opts), transport, resolve));
  }

  async function series(name: string): Promise<string[]> {
    return (await metrics.expose()).split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  }

  beforeEach(() => {
    metrics = new Metrics();
    const q = new QueryMetrics(metrics);
    dispatcher = new Dispatcher('dns://:53', [
      { zone: 'example.org.', chain: compose([passing('log'), answerer('whoami')]), plugins: ['prometheus', 'log', 'whoami'], metrics: q },
      { zone: 'big.test.', chain: compose([answerer('kubernetes', Rcode.NOERROR, 10)]), plugins: ['kubernetes'], metrics: q },
      { zone: 'nx.test.', chain: compose([answerer('kubernetes', Rcode.NXDOMAIN)]), plugins: ['kubernetes'], metrics: q },
      { zone: 'fail.test.', chain: compose([passing('errors'), throwing('forward', new DnsError(Rcode.SERVFAIL, 'down'))]), plugins: [], metrics: q },
      { zone: 'bug.test.', chain: compose([throwing('rewrite', new TypeError('a bug'))]), plugins: [], metrics: q },
      { zone: 'quiet.test.', chain: compose([answerer('whoami')]), plugins: ['whoami'] },
    ], rootLogger);
  });

  it('counts requests by server, zone, proto, family and type ("other" beyond CoreDNS\'s list)', async () => {
    await ask('a.example.org.', Type.A);
    await ask('a.example.org.', Type.A);
    await ask('a.example.org.', Type.AAAA, TCP6);
    await ask('a.example.org.', Type.HINFO, MAPPED);
    await ask('quiet.test.', Type.A); // a block without prometheus is not counted
    expect(await series('coredns_dns_requests_total')).to.deep.equal([
      'coredns_dns_requests_total{server="dns://:53",zone="example.org.",view="",proto="udp",family="1",type="A"} 2',
      'coredns_dns_requests_total{server="dns://:53",zone="example.org.",view="",proto="tcp",family="2",type="AAAA"} 1',
      'coredns_dns_requests_total{server="dns://:53",zone="example.org.",view="",proto="udp",family="1",type="other"} 1',
    ]);
  });

  it('labels responses with the rcode and the plugin that answered, or none when the server did', async () => {
    await ask('a.example.org.', Type.A);
    await ask('x.nx.test.', Type.A);
    await ask('x.fail.test.', Type.A);
    await ask('x.bug.test.', Type.A);
    await ask('elsewhere.', Type.A);
    expect(await series('coredns_dns_responses_total')).to.deep.equal([
      'coredns_dns_responses_total{server="dns://:53",zone="example.org.",view="",rcode="NOERROR",plugin="whoami"} 1',
      'coredns_dns_responses_total{server="dns://:53",zone="nx.test.",view="",rcode="NXDOMAIN",plugin="kubernetes"} 1',
      'coredns_dns_responses_total{server="dns://:53",zone="fail.test.",view="",rcode="SERVFAIL",plugin=""} 1',
      'coredns_dns_responses_total{server="dns://:53",zone="bug.test.",view="",rcode="SERVFAIL",plugin=""} 1',
      'coredns_dns_responses_total{server="dns://:53",zone="dropped",view="",rcode="REFUSED",plugin=""} 1',
    ]);
    // Only the exception that is not a DnsError is a "panic".
    expect(await series('coredns_panics_total')).to.deep.equal(['coredns_panics_total 1']);
  });

  it('measures sizes as sent: a truncated UDP answer is counted at its truncated size', async () => {
    const udp = await ask('a.big.test.', Type.TXT);
    const tcp = await ask('a.big.test.', Type.TXT, TCP6);
    expect(udp[2]! & 0x02, 'TC').to.equal(0x02);
    expect(tcp.length).to.be.greaterThan(2000);
    const lines = await series('coredns_dns_response_size_bytes_sum');
    expect(lines).to.deep.equal([
      `coredns_dns_response_size_bytes_sum{server="dns://:53",zone="big.test.",view="",proto="udp"} ${udp.length}`,
      `coredns_dns_response_size_bytes_sum{server="dns://:53",zone="big.test.",view="",proto="tcp"} ${tcp.length}`,
    ]);
    expect(await series('coredns_dns_request_size_bytes_sum')).to.deep.equal([
      `coredns_dns_request_size_bytes_sum{server="dns://:53",zone="big.test.",view="",proto="udp"} ${buildQuery('a.big.test.', Type.TXT).length}`,
      `coredns_dns_request_size_bytes_sum{server="dns://:53",zone="big.test.",view="",proto="tcp"} ${buildQuery('a.big.test.', Type.TXT).length}`,
    ]);
  });

  it('observes durations in CoreDNS\'s 16 time buckets, and counts DO queries', async () => {
    await ask('a.example.org.', Type.A, UDP4, { udpSize: 1232, dnssecOk: true });
    const buckets = await series('coredns_dns_request_duration_seconds_bucket');
    expect(buckets).to.have.length(17);
    expect(buckets[0]).to.contain('le="0.00025"');
    expect(buckets[15]).to.contain('le="8.192"');
    expect(buckets[16]).to.match(/le="\+Inf"} 1$/);
    expect(TIME_BUCKETS).to.have.length(16);
    expect(await series('coredns_dns_do_requests_total')).to.deep.equal([
      'coredns_dns_do_requests_total{server="dns://:53",zone="example.org.",view=""} 1',
    ]);
  });

  it('keeps counting across a swap of routes (a reload) and moves new queries to the new chains', async () => {
    await ask('a.example.org.', Type.A);
    const drained = dispatcher.swap([
      { zone: 'example.org.', chain: compose([answerer('hosts')]), plugins: ['hosts'], metrics: new QueryMetrics(metrics) },
    ]);
    await drained;
    await ask('a.example.org.', Type.A);
    expect(await series('coredns_dns_responses_total')).to.deep.equal([
      'coredns_dns_responses_total{server="dns://:53",zone="example.org.",view="",rcode="NOERROR",plugin="whoami"} 1',
      'coredns_dns_responses_total{server="dns://:53",zone="example.org.",view="",rcode="NOERROR",plugin="hosts"} 1',
    ]);
    expect(await series('coredns_dns_requests_total')).to.deep.equal([
      'coredns_dns_requests_total{server="dns://:53",zone="example.org.",view="",proto="udp",family="1",type="A"} 2',
    ]);
  });
});
