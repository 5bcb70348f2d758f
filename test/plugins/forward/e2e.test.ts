// forward in a real kdns process, asked by real clients, relaying to dnsmasq;
// and ExternalName services whose target lies outside the cluster.

import { expect } from 'chai';
import { Rcode } from '../../../src/dns/constants.js';
import { checkCase, type Case } from '../../support/cases.js';
import { dig, query } from '../../support/dns.js';
import { bigTxt, Dnsmasq } from '../../support/dnsmasq.js';
import { startKdns, type KdnsProcess } from '../../support/kdns.js';

const FIXTURE = `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: Namespace, metadata: {name: default}}
- apiVersion: v1
  kind: Service
  metadata: {name: ext, namespace: default}
  spec: {type: ExternalName, externalName: www.example.test}
`;

describe('forward end to end (kdns process, dnsmasq upstream)', function () {
  this.timeout(30_000);
  let dm: Dnsmasq;
  let kdns: KdnsProcess;

  before(async () => {
    dm = await Dnsmasq.start({ args: ['--address=/example.test/192.0.2.1', ...bigTxt('big.example.test')], ttl: 120 });
    kdns = await startKdns(`. {
  kubernetes cluster.local {
    fixture cluster.yaml
  }
  forward . 127.0.0.1:${dm.port} {
    health_check 100ms
  }
}
`, { files: { 'cluster.yaml': FIXTURE }, probe: 'cluster.local.' });
  });

  after(async () => {
    await kdns?.stop();
    await dm?.kill();
  });

  const cases: Case[] = [
    { qname: 'www.example.test.', qtype: 'A', aa: true, answer: ['www.example.test. 120 IN A 192.0.2.1'] },
    // SPEC §1: the CNAME (cluster TTL), then the upstream's records with their TTL; NOERROR.
    { qname: 'ext.default.svc.cluster.local.', qtype: 'A', answer: [
      'ext.default.svc.cluster.local. 5 IN CNAME www.example.test.', 'www.example.test. 120 IN A 192.0.2.1'] },
  ];
  for (const tcp of [false, true]) {
    for (const c of cases) {
      it(`${c.qname} ${c.qtype} over ${tcp ? 'TCP' : 'UDP'}`, async () => {
        checkCase(await query(kdns.port, c.qname, c.qtype, { tcp }), c);
      });
    }
  }

  it('dig gets the forwarded answer with its own ID and case', async () => {
    const out = await dig(kdns.port, ['WWW.example.TEST', 'A', '+dnssec']);
    expect(out).to.match(/status: NOERROR/);
    expect(out).to.match(/^WWW\.example\.TEST\.\s+120\s+IN\s+A\s+192\.0\.2\.1$/m);
    expect(out).to.match(/EDNS: version: 0, flags: do;/);
  });

  it('a big answer: TC over UDP, whole over TCP, and dig retries by itself', async () => {
    const udp = await query(kdns.port, 'big.example.test.', 'TXT');
    expect(udp.tc).to.equal(true);
    expect(udp.answer).to.have.length(0);
    expect((await query(kdns.port, 'big.example.test.', 'TXT', { tcp: true })).answer).to.have.length(10);
    const out = await dig(kdns.port, ['big.example.test', 'TXT']);
    expect(out).to.match(/Truncated, retrying in TCP mode/);
    expect(out.match(/\bIN\s+TXT\b/g)).to.have.length(11); // the question line and ten records
  });

  it('a hung upstream: SERVFAIL within the deadline, then answers again once it is back', async () => {
    dm.pause();
    try {
      const t0 = performance.now();
      const msg = await query(kdns.port, 'hung.example.test.', 'A', { timeoutMs: 6000 });
      const ms = performance.now() - t0;
      expect(msg.rcode).to.equal(Rcode.SERVFAIL);
      expect(ms, `SERVFAIL after ${ms.toFixed(0)} ms`).to.be.within(1900, 4000);
    } finally {
      dm.resume();
    }
    let back = false;
    for (let i = 0; i < 50 && !back; i++) {
      back = (await query(kdns.port, 'back.example.test.', 'A', { timeoutMs: 3000 })).rcode === Rcode.NOERROR;
      if (!back) await new Promise((r) => setTimeout(r, 100));
    }
    expect(back).to.equal(true);
  });

  it('a dead upstream: SERVFAIL at once, for the ExternalName the CNAME alone', async () => {
    await dm.kill();
    const t0 = performance.now();
    const msg = await query(kdns.port, 'dead.example.test.', 'A', { timeoutMs: 6000 });
    expect(msg.rcode).to.equal(Rcode.SERVFAIL);
    expect(performance.now() - t0).to.be.lessThan(1000);
    checkCase(await query(kdns.port, 'ext.default.svc.cluster.local.', 'A', { timeoutMs: 6000 }), {
      qname: 'ext.default.svc.cluster.local.', qtype: 'A', answer: ['ext.default.svc.cluster.local. 5 IN CNAME www.example.test.'],
    });
  });
});

describe('two forward lines with `next` (kdns process)', function () {
  this.timeout(30_000);

  it('an NXDOMAIN from the first upstream goes to the second forward, in Corefile order', async () => {
    const [first, second] = await Promise.all([
      Dnsmasq.start({ args: ['--address=/nx.test/', '--address=/both.test/192.0.2.1'] }),
      Dnsmasq.start({ args: ['--address=/nx.test/192.0.2.9', '--address=/both.test/192.0.2.2'] }),
    ]);
    const kdns = await startKdns(`. {
  forward . 127.0.0.1:${first.port} {
    next NXDOMAIN
  }
  forward . 127.0.0.1:${second.port}
}
`, { probe: 'both.test.' });
    try {
      checkCase(await query(kdns.port, 'x.nx.test.', 'A'), { qname: 'x.nx.test.', qtype: 'A', answer: ['x.nx.test. 300 IN A 192.0.2.9'] });
      checkCase(await query(kdns.port, 'both.test.', 'A'), { qname: 'both.test.', qtype: 'A', answer: ['both.test. 300 IN A 192.0.2.1'] });
    } finally {
      await kdns.stop();
      await Promise.all([first.kill(), second.kill()]);
    }
  });
});
