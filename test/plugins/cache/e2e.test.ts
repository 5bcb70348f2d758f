// The cache in a real kdns process: in front of the kubernetes plugin (a fixture
// file that changes) and in front of forward to a real upstream (dnsmasq).

import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rcode } from '../../../src/dns/constants.js';
import type { Message } from '../../../src/dns/decode.js';
import { checkCase } from '../../support/cases.js';
import { Dnsmasq } from '../../support/dnsmasq.js';
import { query } from '../../support/dns.js';
import { startKdns, type KdnsProcess } from '../../support/kdns.js';
import { FIXTURE_YAML } from '../kubernetes/cluster.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Asks until `done` holds (or the deadline passes); resolves with the last answer. */
async function askUntil(port: number, qname: string, qtype: string, done: (m: Message) => boolean, ms = 15_000): Promise<Message> {
  const deadline = Date.now() + ms;
  for (;;) {
    const msg = await query(port, qname, qtype);
    if (done(msg) || Date.now() > deadline) return msg;
    await sleep(50);
  }
}

const ttl = (m: Message): number => m.answer[0]?.ttl ?? m.authority[0]?.ttl ?? -1;

describe('cache end to end', function () {
  this.timeout(30_000);

  describe('in front of the kubernetes plugin', () => {
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
      expect([later.rcode, ttl(later)]).to.deep.equal([Rcode.NXDOMAIN, 2]);
      // Kept for 3 s (the SOA's MINIMUM), not the cache's 300: then asked again, TTL 3 anew.
      const refreshed = await askUntil(kdns.port, missing, 'A', (m) => ttl(m) === 3, 10_000);
      expect(ttl(refreshed)).to.equal(3);
    });
  });

  describe('in front of forward to dnsmasq', () => {
    let dnsmasq: Dnsmasq;
    let kdns: KdnsProcess;
    before(async () => {
      dnsmasq = await Dnsmasq.start({ ttl: 6, args: ['--address=/example.test/192.0.2.1'] });
      kdns = await startKdns(`. {
  forward . 127.0.0.1:${dnsmasq.port}
  cache {
    prefetch 2 1m 50%
    serve_stale 1h
  }
}
`);
    });
    after(async () => {
      await kdns?.stop();
      await dnsmasq?.kill();
    });

    it('answers a repeated query from the cache, with the TTL counting down', async () => {
      const first = await query(kdns.port, 'www.example.test.', 'A');
      checkCase(first, { qname: 'www.example.test.', qtype: 'A', answer: ['www.example.test. 6 IN A 192.0.2.1'] });
      const again = await askUntil(kdns.port, 'WWW.example.TEST.', 'A', (m) => ttl(m) < 6, 5000);
      checkCase(again, { qname: 'WWW.example.TEST.', qtype: 'A', answer: ['WWW.example.TEST. 5 IN A 192.0.2.1'] });
      expect(dnsmasq.queries('www.example.test', 'A')).to.equal(1);
    });

    it('prefetches a popular name before it expires', async () => {
      const name = 'popular.example.test.';
      await query(kdns.port, name, 'A');
      await askUntil(kdns.port, name, 'A', (m) => ttl(m) <= 4, 5000); // hit 1: 4 s left, more than half
      expect(dnsmasq.queries(name, 'A')).to.equal(1);
      const low = await askUntil(kdns.port, name, 'A', (m) => ttl(m) <= 3, 5000); // hit 2, at half: prefetch
      expect(ttl(low)).to.be.within(1, 3);
      await askUntil(kdns.port, name, 'A', () => dnsmasq.queries(name, 'A') === 2, 5000);
      expect(dnsmasq.queries(name, 'A')).to.equal(2);
      expect(ttl(await query(kdns.port, name, 'A'))).to.be.above(ttl(low));
    });

    it('serves expired answers (TTL 0) while the upstream is down, and fresh ones once it is back', async () => {
      const name = 'stale.example.test.';
      await query(kdns.port, name, 'A');
      await dnsmasq.kill();
      expect((await query(kdns.port, 'never-asked.example.test.', 'A')).rcode, 'a name not cached').to.equal(Rcode.SERVFAIL);
      const answers: Message[] = [];
      const stale = await askUntil(kdns.port, name, 'A', (m) => { answers.push(m); return ttl(m) === 0; });
      checkCase(stale, { qname: name, qtype: 'A', answer: [`${name} 0 IN A 192.0.2.1`] });
      expect(answers.every((m) => m.rcode === Rcode.NOERROR && m.answer.length === 1), 'never an error meanwhile').to.equal(true);
      await dnsmasq.run();
      const fresh = await askUntil(kdns.port, name, 'A', (m) => ttl(m) > 0);
      checkCase(fresh, { qname: name, qtype: 'A', answer: [`${name} 6 IN A 192.0.2.1`] });
    });
  });
});
