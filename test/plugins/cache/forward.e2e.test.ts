// The cache in a real kdns process in front of forward to a real upstream (dnsmasq):
// hits, prefetch, and expired answers while the upstream is down.

import { expect } from 'chai';
import { Rcode } from '../../../src/dns/constants.js';
import type { Message } from '../../../src/dns/decode.js';
import { ANY_TTL, checkCase } from '../../support/cases.js';
import { Dnsmasq } from '../../support/dnsmasq.js';
import { query } from '../../support/dns.js';
import { freePort, startKdns, type KdnsProcess } from '../../support/kdns.js';
import { scrape, value } from '../../support/metrics.js';
import { askUntil, ttl } from './support.js';

describe('cache end to end: in front of forward to dnsmasq', function () {
  this.timeout(30_000);
  let dnsmasq: Dnsmasq;
  let kdns: KdnsProcess;
  let metrics: string;
  /** A cache counter as /metrics shows it. */
  const counter = async (name: string): Promise<number> =>
    value(await scrape(metrics), name, { server: `dns://:${kdns.port}`, zones: '.', view: '' });
  before(async () => {
    dnsmasq = await Dnsmasq.start({ ttl: 6, args: ['--address=/example.test/192.0.2.1'] });
    const address = `127.0.0.1:${await freePort()}`;
    metrics = `http://${address}/metrics`;
    kdns = await startKdns(`. {
  forward . 127.0.0.1:${dnsmasq.port}
  cache {
    prefetch 2 1m 50%
    serve_stale 1h
  }
  prometheus ${address}
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
    const misses = await counter('coredns_cache_misses_total');
    const again = await askUntil(kdns.port, 'WWW.example.TEST.', 'A', (m) => ttl(m) < 6, 5000);
    checkCase(again, { qname: 'WWW.example.TEST.', qtype: 'A', answer: [`WWW.example.TEST. ${ANY_TTL} IN A 192.0.2.1`] });
    expect(ttl(again)).to.be.within(1, 5);
    expect(dnsmasq.queries('www.example.test', 'A')).to.equal(1);
    expect(await counter('coredns_cache_misses_total'), 'misses').to.equal(misses);
    expect(await counter('coredns_cache_requests_total'), 'requests').to.be.above(misses + 1);
  });

  it('prefetches a popular name before it expires', async () => {
    const name = 'popular.example.test.';
    await query(kdns.port, name, 'A');
    // Asked again and again (popular) until half its TTL is left: then fetched anew behind the answer.
    const low = await askUntil(kdns.port, name, 'A', (m) => ttl(m) <= 3, 5000);
    expect(ttl(low)).to.be.within(1, 3);
    const fresh = await askUntil(kdns.port, name, 'A', (m) => ttl(m) > ttl(low), 5000);
    expect(ttl(fresh)).to.be.above(ttl(low));
    expect(dnsmasq.queries(name, 'A')).to.equal(2);
    expect(await counter('coredns_cache_prefetch_total')).to.equal(1);
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
    checkCase(fresh, { qname: name, qtype: 'A', answer: [`${name} ${ANY_TTL} IN A 192.0.2.1`] });
    expect(await counter('coredns_cache_served_stale_total')).to.be.above(0);
  });
});
