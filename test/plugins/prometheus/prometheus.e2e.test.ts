// /metrics of a real kdns process: CoreDNS's names and labels for what the
// queries did, the plugins enabled, build info, process metrics and the
// kubernetes sync state.

import { expect } from 'chai';
import { Rcode } from '../../../src/dns/constants.js';
import { VERSION } from '../../../src/version.js';
import { query } from '../../support/dns.js';
import { httpGet } from '../../support/http.js';
import { freePort, startKdns, type KdnsProcess } from '../../support/kdns.js';
import { scrape, value } from '../../support/metrics.js';
import { FIXTURE_YAML } from '../kubernetes/cluster.js';

describe('prometheus end to end (kdns process)', function () {
  this.timeout(20_000);
  let kdns: KdnsProcess;
  let url: string;

  before(async () => {
    const address = `127.0.0.1:${await freePort()}`;
    url = `http://${address}/metrics`;
    kdns = await startKdns(`cluster.local {
  prometheus ${address}
  errors
  kubernetes {
    fixture cluster.yaml
  }
}
example.org {
  whoami
}
`, { files: { 'cluster.yaml': FIXTURE_YAML }, probe: 'example.org.' });
  });

  after(async () => {
    await kdns?.stop();
  });

  it('counts queries, answers and sizes under CoreDNS\'s names and labels', async () => {
    const server = `dns://:${kdns.port}`;
    const base = { server, zone: 'cluster.local.', view: '' };
    const before = await scrape(url);
    expect((await query(kdns.port, 'kubernetes.default.svc.cluster.local.', 'A')).rcode).to.equal(Rcode.NOERROR);
    expect((await query(kdns.port, 'kubernetes.default.svc.cluster.local.', 'A', { tcp: true })).rcode).to.equal(Rcode.NOERROR);
    expect((await query(kdns.port, 'nope.default.svc.cluster.local.', 'AAAA', { host: '::1' })).rcode).to.equal(Rcode.NXDOMAIN);
    expect((await query(kdns.port, 'cluster.local.', 35 /* NAPTR */)).rcode).to.equal(Rcode.NOERROR);
    expect((await query(kdns.port, 'elsewhere.test.', 'A')).rcode).to.equal(Rcode.REFUSED);
    await query(kdns.port, 'example.org.', 'A'); // its block has no prometheus: not counted
    const after = await scrape(url);
    const delta = (name: string, labels: Record<string, string>): number => value(after, name, labels) - value(before, name, labels);

    expect(delta('coredns_dns_requests_total', { ...base, proto: 'udp', family: '1', type: 'A' })).to.equal(1);
    expect(delta('coredns_dns_requests_total', { ...base, proto: 'tcp', family: '1', type: 'A' })).to.equal(1);
    expect(delta('coredns_dns_requests_total', { ...base, proto: 'udp', family: '2', type: 'AAAA' })).to.equal(1);
    expect(delta('coredns_dns_requests_total', { ...base, proto: 'udp', family: '1', type: 'other' })).to.equal(1);
    expect(delta('coredns_dns_responses_total', { ...base, rcode: 'NOERROR', plugin: 'kubernetes' })).to.equal(3);
    expect(delta('coredns_dns_responses_total', { ...base, rcode: 'NXDOMAIN', plugin: 'kubernetes' })).to.equal(1);
    expect(delta('coredns_dns_responses_total', { server, zone: 'dropped', view: '', rcode: 'REFUSED', plugin: '' })).to.equal(1);
    expect(delta('coredns_dns_request_duration_seconds_count', { ...base, type: 'A' })).to.equal(2);
    expect(delta('coredns_dns_request_duration_seconds_bucket', { ...base, type: 'A', le: '+Inf' })).to.equal(2);
    expect(delta('coredns_dns_request_size_bytes_count', { ...base, proto: 'udp' })).to.equal(3);
    expect(delta('coredns_dns_response_size_bytes_sum', { ...base, proto: 'tcp' })).to.be.greaterThan(50);
    expect([...after.keys()].filter((k) => k.includes('example.org.'))).to.deep.equal([]);
  });

  it('exports plugin_enabled, build_info, panics, kubernetes sync state and process metrics', async () => {
    const s = await scrape(url);
    const server = `dns://:${kdns.port}`;
    for (const name of ['prometheus', 'errors', 'kubernetes']) {
      expect(value(s, 'coredns_plugin_enabled', { server, zone: 'cluster.local.', view: '', name }), name).to.equal(1);
    }
    expect(value(s, 'coredns_build_info', { version: VERSION, revision: '', goversion: process.version })).to.equal(1);
    expect(s.get('coredns_panics_total')).to.equal(0);
    expect(value(s, 'kdns_kubernetes_synced', { server, zone: 'cluster.local.' })).to.equal(1);
    expect(s.get('process_resident_memory_bytes')).to.be.greaterThan(10e6);
    expect(s.get('process_open_fds')).to.be.greaterThan(5);
  });

  it('answers with the Prometheus text content type, and 404 elsewhere', async () => {
    const res = await fetch(url);
    expect(res.headers.get('content-type')).to.equal('text/plain; version=0.0.4; charset=utf-8');
    expect((await httpGet(url.replace('/metrics', '/other'))).status).to.equal(404);
  });
});
