// The cache in a real kdns process in front of the kubernetes plugin, whose fixture
// file changes: cluster names are never served stale.

import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rcode } from '../../../src/dns/constants.js';
import { checkCase } from '../../support/cases.js';
import { query } from '../../support/dns.js';
import { startKdns, type KdnsProcess } from '../../support/kdns.js';
import { FIXTURE_YAML } from '../kubernetes/cluster.js';
import { askUntil, ttl } from './support.js';

describe('cache end to end: in front of the kubernetes plugin', function () {
  this.timeout(30_000);
  let kdns: KdnsProcess;
  before(async () => {
    kdns = await startKdns(`. {
  kubernetes cluster.local in-addr.arpa ip6.arpa {
    fixture cluster.yaml
    ttl 30
  }
  cache 30
}
example.local {
  kubernetes example.local {
    fixture cluster.yaml
    ttl 3
  }
  cache 300 {
    denial 9984 300 1
  }
}
`, { files: { 'cluster.yaml': FIXTURE_YAML }, probe: 'cluster.local.' });
  });
  after(async () => { await kdns?.stop(); });

  it('resolves a new Service on the next query after the cluster state changes (kubeadm#1512, coredns#6937)', async () => {
    const added = 'added.testns.svc.cluster.local.';
    const svc1 = 'svc1.testns.svc.cluster.local.';
    expect((await query(kdns.port, added, 'A')).rcode).to.equal(Rcode.NXDOMAIN);
    const first = await query(kdns.port, svc1, 'A');
    expect(ttl(first)).to.equal(30);
    // The cache is on: the answers count down.
    const cached = await askUntil(kdns.port, svc1, 'A', (m) => ttl(m) < 30, 5000);
    expect(ttl(cached)).to.be.within(25, 29);
    const negative = await query(kdns.port, added, 'A');
    expect([negative.rcode, ttl(negative) < 30]).to.deep.equal([Rcode.NXDOMAIN, true]);

    writeFileSync(join(kdns.dir, 'cluster.yaml'), `${FIXTURE_YAML}- apiVersion: v1
  kind: Service
  metadata: {name: added, namespace: testns}
  spec: {clusterIP: 10.0.0.77}
`);
    const t0 = Date.now();
    const msg = await askUntil(kdns.port, added, 'A', (m) => m.rcode === Rcode.NOERROR);
    const waited = Date.now() - t0;
    checkCase(msg, { qname: added, qtype: 'A', answer: [`${added} 30 IN A 10.0.0.77`] });
    // The fixture is polled every second; a cache entry outliving the change would take up to 30 s.
    expect(waited, 'ms until the new Service resolved').to.be.below(10_000);
    // Positive entries of the zone were dropped too: a fresh answer, full TTL.
    expect(ttl(await query(kdns.port, svc1, 'A'))).to.be.within(29, 30);
  });

  it('caches a negative answer for the SOA minimum, counting down', async () => {
    const missing = 'missing.testns.svc.example.local.';
    const first = await query(kdns.port, missing, 'A');
    expect(first.rcode).to.equal(Rcode.NXDOMAIN);
    expect(ttl(first)).to.equal(3);
    const later = await askUntil(kdns.port, missing, 'A', (m) => ttl(m) < 3, 5000);
    expect(later.rcode).to.equal(Rcode.NXDOMAIN);
    expect(ttl(later)).to.be.within(1, 2);
    // Kept for 3 s (the SOA's MINIMUM), not the cache's 300: then asked again, TTL 3 anew.
    const refreshed = await askUntil(kdns.port, missing, 'A', (m) => ttl(m) === 3, 10_000);
    expect(ttl(refreshed)).to.equal(3);
  });
});
