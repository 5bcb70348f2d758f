// /metrics of a real kdns process: CoreDNS's names and labels for what the
// queries did, the plugins enabled, build info, process metrics and the
// kubernetes sync state.

import { expect } from 'chai';
import { Rcode } from '../../../src/dns/constants.js';
import { VERSION } from '../../../src/version.js';
import { Dnsmasq } from '../../support/dnsmasq.js';
import { query } from '../../support/dns.js';
import { httpGet } from '../../support/http.js';
import { freePort, startKdns, type KdnsProcess } from '../../support/kdns.js';
import { scrape, value } from '../../support/metrics.js';
import { startInCluster } from '../../support/k8s-api/kdns.js';
import { namespace, service } from '../../support/k8s-api/objects.js';
import { ApiEmulator } from '../../support/k8s-api/server.js';
import { waitFor } from '../../support/k8s-api/wait.js';
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

describe('prometheus: kubernetes sync state and API errors (kdns process, API emulator)', function () {
  this.timeout(20_000);

  it('reports unsynced and the failing requests while the API fails, then synced', async () => {
    const api = await ApiEmulator.start({ tls: true, tokens: ['sa-1'] });
    api.state.put(namespace('default'));
    api.state.put(service('default', 'kubernetes', { clusterIP: '10.96.0.1' }));
    api.failWith(500);
    const [m, r] = [await freePort(), await freePort()];
    const k = await startInCluster(api, `. {
  prometheus 127.0.0.1:${m}
  ready 127.0.0.1:${r}
  kubernetes cluster.local {
    startup_timeout 200ms
  }
}
`, 'sa-1');
    const url = `http://127.0.0.1:${m}/metrics`;
    const labels = { server: `dns://:${k.kdns.port}`, zone: 'cluster.local.' };
    try {
      await waitFor(async () => value(await scrape(url), 'kdns_kubernetes_api_failures_total', labels) > 0, 'failures counted');
      let s = await scrape(url);
      expect(value(s, 'kdns_kubernetes_synced', labels)).to.equal(0);
      expect(value(s, 'kdns_kubernetes_api_reachable', labels)).to.equal(0);
      expect(value(s, 'kdns_kubernetes_api_requests_total', { ...labels, code: '500' })).to.be.greaterThan(0);
      expect(await httpGet(`http://127.0.0.1:${r}/ready`)).to.deep.equal({ status: 503, body: 'kubernetes' });

      api.failWith(undefined);
      await waitFor(async () => value(await scrape(url), 'kdns_kubernetes_synced', labels) === 1, 'synced');
      s = await scrape(url);
      expect(value(s, 'kdns_kubernetes_api_reachable', labels)).to.equal(1);
      expect(value(s, 'kdns_kubernetes_api_requests_total', { ...labels, code: '200' })).to.be.greaterThan(0);
      expect(await httpGet(`http://127.0.0.1:${r}/ready`)).to.deep.equal({ status: 200, body: 'OK' });
    } finally {
      await k.kdns.stop();
      await api.close();
    }
  });
});

describe('prometheus: forward to a real upstream (kdns process, dnsmasq)', function () {
  this.timeout(20_000);

  it('observes the upstream\'s reply durations by rcode, and labels the answers forward\'s', async () => {
    const upstream = await Dnsmasq.start({ args: ['--address=/example.test/192.0.2.1'] });
    const m = await freePort();
    const kdns = await startKdns(`. {
  prometheus 127.0.0.1:${m}
  forward . 127.0.0.1:${upstream.port}
}
`, { probe: 'www.example.test.' });
    try {
      expect((await query(kdns.port, 'www.example.test.', 'A')).rcode).to.equal(Rcode.NOERROR);
      const s = await scrape(`http://127.0.0.1:${m}/metrics`);
      const to = `127.0.0.1:${upstream.port}`;
      // startKdns's probe(s) and the query: one upstream reply each, each answered by forward.
      const replies = value(s, 'coredns_proxy_request_duration_seconds_count', { proxy_name: 'forward', to, rcode: 'NOERROR' });
      expect(replies).to.be.at.least(2);
      expect(value(s, 'coredns_proxy_request_duration_seconds_bucket', { proxy_name: 'forward', to, rcode: 'NOERROR', le: '8.192' }))
        .to.equal(replies);
      expect(value(s, 'coredns_dns_responses_total', { server: `dns://:${kdns.port}`, zone: '.', view: '', rcode: 'NOERROR', plugin: 'forward' }))
        .to.equal(replies);
      expect(s.get('coredns_forward_max_concurrent_rejects_total')).to.equal(0);
      expect(s.get('coredns_forward_healthcheck_broken_total')).to.equal(0);
    } finally {
      await kdns.stop();
      await upstream.kill();
    }
  });
});
