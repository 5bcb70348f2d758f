import { expect } from 'chai';
import { Rcode, Type, typeName } from '../../../src/dns/constants.js';
import { encodeResponse } from '../../../src/dns/encode.js';
import { Response } from '../../../src/dns/message.js';
import { makeRequest } from '../../../src/dns/query.js';
import { DnsError } from '../../../src/errors.js';
import { checkCase, type Case } from '../../support/cases.js';
import { qtypeOf } from '../../support/dns.js';
import { reply } from '../../support/rr.js';
import { Backend, Harness, settle } from './support.js';

/** Encodes `resp` as an upstream would send it: its own ID, EDNS on. */
function encodeRaw(resp: Response, qname: string): Buffer {
  return encodeResponse(resp, makeRequest(qname, Type.A, { id: 4321, udpSize: 1232 }));
}

const SOA = (ttl: number, minimum: number): string =>
  `example.org. ${ttl} IN SOA ns.example.org. hostmaster.example.org. 1 7200 1800 86400 ${minimum}`;

/** What the backend holds, by "name TYPE". */
const ZONE: Record<string, () => Response> = {
  'example.org. A': () => reply(Rcode.NOERROR, ['example.org. 300 IN A 192.0.2.1', 'example.org. 60 IN A 192.0.2.2']),
  'short.example.org. A': () => reply(Rcode.NOERROR, ['short.example.org. 2 IN A 192.0.2.3']),
  'zero.example.org. A': () => reply(Rcode.NOERROR, ['zero.example.org. 0 IN A 192.0.2.4']),
  'alias.example.org. A': () => reply(Rcode.NOERROR,
    ['alias.example.org. 600 IN CNAME example.org.', 'example.org. 300 IN A 192.0.2.1']),
  'srv.example.org. SRV': () => reply(Rcode.NOERROR, ['srv.example.org. 100 IN SRV 0 100 80 example.org.'],
    [], ['example.org. 40 IN A 192.0.2.1']),
  'nodata.example.org. AAAA': () => reply(Rcode.NOERROR, [], [SOA(300, 60)]),
  'gone.example.org. A': () => reply(Rcode.NXDOMAIN, [], [SOA(3600, 3600)]),
  'fail.example.org. A': () => reply(Rcode.SERVFAIL),
  'refused.example.org. A': () => reply(Rcode.REFUSED),
};

function backend(): Backend {
  return new Backend((req) => {
    const make = ZONE[`${req.lname} ${typeName(req.qtype)}`];
    return make ? make() : reply(Rcode.NXDOMAIN, [], [SOA(30, 30)]);
  });
}

interface TtlCase extends Case {
  corefile: string;
  /** Seconds between the first query and the second. */
  after: number;
  /** Did the second query reach the backend? */
  fetched: boolean;
}

describe('cache', () => {
  describe('TTLs: one for all records, the smallest, counting down', () => {
    const cases: TtlCase[] = [
      { corefile: 'cache', after: 0, fetched: false, qname: 'example.org.', qtype: 'A',
        answer: ['example.org. 60 IN A 192.0.2.1', 'example.org. 60 IN A 192.0.2.2'] },
      { corefile: 'cache', after: 25, fetched: false, qname: 'example.org.', qtype: 'A',
        answer: ['example.org. 35 IN A 192.0.2.1', 'example.org. 35 IN A 192.0.2.2'] },
      { corefile: 'cache', after: 25.9, fetched: false, qname: 'example.org.', qtype: 'A',
        answer: ['example.org. 35 IN A 192.0.2.1', 'example.org. 35 IN A 192.0.2.2'] },
      { corefile: 'cache', after: 60, fetched: true, qname: 'example.org.', qtype: 'A',
        answer: ['example.org. 60 IN A 192.0.2.1', 'example.org. 60 IN A 192.0.2.2'] },
      // The TTL caps it (cache TTL), and the first reply already carries the capped TTL.
      { corefile: 'cache 10', after: 4, fetched: false, qname: 'alias.example.org.', qtype: 'A',
        answer: ['alias.example.org. 6 IN CNAME example.org.', 'example.org. 6 IN A 192.0.2.1'] },
      { corefile: 'cache 10', after: 10, fetched: true, qname: 'alias.example.org.', qtype: 'A',
        answer: ['alias.example.org. 10 IN CNAME example.org.', 'example.org. 10 IN A 192.0.2.1'] },
      // The additional section counts too.
      { corefile: 'cache', after: 39, fetched: false, qname: 'srv.example.org.', qtype: 'SRV',
        answer: ['srv.example.org. 1 IN SRV 0 100 80 example.org.'], extra: ['example.org. 1 IN A 192.0.2.1'] },
      // MINTTL: a 2 s answer is kept 5 s (the default floor); with MINTTL 0, a TTL-0 answer is not kept.
      { corefile: 'cache', after: 4, fetched: false, qname: 'short.example.org.', qtype: 'A',
        answer: ['short.example.org. 1 IN A 192.0.2.3'] },
      { corefile: 'cache', after: 3, fetched: false, qname: 'zero.example.org.', qtype: 'A',
        answer: ['zero.example.org. 2 IN A 192.0.2.4'] },
      { corefile: 'cache {\n success 2000 3600 0\n}', after: 0, fetched: true, qname: 'zero.example.org.', qtype: 'A',
        answer: ['zero.example.org. 0 IN A 192.0.2.4'] },
      { corefile: 'cache {\n success 2000 3600 1\n}', after: 1, fetched: false, qname: 'short.example.org.', qtype: 'A',
        answer: ['short.example.org. 1 IN A 192.0.2.3'] },
      // keepttl: the stored TTL while it lasts.
      { corefile: 'cache {\n keepttl\n}', after: 50, fetched: false, qname: 'example.org.', qtype: 'A',
        answer: ['example.org. 60 IN A 192.0.2.1', 'example.org. 60 IN A 192.0.2.2'] },
      // Negative answers: the SOA's MINIMUM (RFC 2308), capped by the denial TTL.
      { corefile: 'cache', after: 59, fetched: false, qname: 'nodata.example.org.', qtype: 'AAAA',
        ns: [SOA(1, 60)] },
      { corefile: 'cache', after: 60, fetched: true, qname: 'nodata.example.org.', qtype: 'AAAA', ns: [SOA(60, 60)] },
      { corefile: 'cache', after: 1799, fetched: false, qname: 'gone.example.org.', qtype: 'A', rcode: 'NXDOMAIN',
        ns: [SOA(1, 3600)] },
      { corefile: 'cache 30', after: 30, fetched: true, qname: 'gone.example.org.', qtype: 'A', rcode: 'NXDOMAIN',
        ns: [SOA(30, 3600)] },
      { corefile: 'cache {\n denial 2000 100 50\n}', after: 49, fetched: false, qname: 'missing.example.org.', qtype: 'A',
        rcode: 'NXDOMAIN', ns: [SOA(1, 30)] },
      // SERVFAIL: 5 s by default, `servfail` sets it, 0 disables.
      { corefile: 'cache', after: 4, fetched: false, qname: 'fail.example.org.', qtype: 'A', rcode: 'SERVFAIL' },
      { corefile: 'cache', after: 5, fetched: true, qname: 'fail.example.org.', qtype: 'A', rcode: 'SERVFAIL' },
      { corefile: 'cache {\n servfail 0\n}', after: 0, fetched: true, qname: 'fail.example.org.', qtype: 'A', rcode: 'SERVFAIL' },
      { corefile: 'cache {\n servfail 1m\n}', after: 59, fetched: false, qname: 'fail.example.org.', qtype: 'A', rcode: 'SERVFAIL' },
      // Other errors are never cached.
      { corefile: 'cache', after: 0, fetched: true, qname: 'refused.example.org.', qtype: 'A', rcode: 'REFUSED' },
      // disable: not stored in that zone, still stored elsewhere.
      { corefile: 'cache {\n disable success example.org\n}', after: 0, fetched: true, qname: 'example.org.', qtype: 'A',
        answer: ['example.org. 60 IN A 192.0.2.1', 'example.org. 60 IN A 192.0.2.2'] },
      { corefile: 'cache {\n disable success other.org\n}', after: 0, fetched: false, qname: 'example.org.', qtype: 'A',
        answer: ['example.org. 60 IN A 192.0.2.1', 'example.org. 60 IN A 192.0.2.2'] },
      { corefile: 'cache {\n disable denial\n}', after: 0, fetched: true, qname: 'gone.example.org.', qtype: 'A',
        rcode: 'NXDOMAIN', ns: [SOA(1800, 3600)] },
      { corefile: 'cache {\n disable denial\n}', after: 0, fetched: true, qname: 'fail.example.org.', qtype: 'A', rcode: 'SERVFAIL' },
    ];
    for (const c of cases) {
      it(`${c.qname} ${c.qtype} ${c.after}s later (${c.corefile.replace(/\n\s*/g, ' ')})`, async () => {
        const h = new Harness(c.corefile, backend());
        await h.ask(c.qname, qtypeOf(c.qtype));
        h.advance(c.after);
        const msg = await h.ask(c.qname, qtypeOf(c.qtype));
        expect(h.backend.calls, 'queries that reached the backend').to.equal(c.fetched ? 2 : 1);
        checkCase(msg, c);
      });
    }
  });

  it('keys by name case-insensitively and echoes each query\'s case', async () => {
    const h = new Harness('cache', backend());
    await h.ask('example.org.');
    const msg = await h.ask('ExAmPle.ORG.');
    expect(h.backend.calls).to.equal(1);
    expect(msg.question[0]!.name).to.equal('ExAmPle.ORG.');
    expect(msg.answer.map((r) => r.name)).to.deep.equal(['ExAmPle.ORG.', 'ExAmPle.ORG.']);
  });

  it('keys by type, class and the DO and CD bits', async () => {
    const h = new Harness('cache', backend());
    const variants = [{}, { dnssecOk: true, udpSize: 1232 }, { qclass: 3 }];
    for (const opts of variants) await h.ask('example.org.', Type.A, opts);
    await h.ask('example.org.', Type.AAAA);
    expect(h.backend.calls).to.equal(4);
    for (const opts of variants) await h.ask('example.org.', Type.A, opts);
    await h.ask('example.org.', Type.AAAA);
    expect(h.backend.calls).to.equal(4);
    // EDNS without DO shares the entry of a query without EDNS, and gets its own OPT.
    const msg = await h.ask('example.org.', Type.A, { udpSize: 4096 });
    expect(h.backend.calls).to.equal(4);
    expect(msg.edns).to.deep.include({ dnssecOk: false });
    expect((await h.ask('example.org.')).edns).to.equal(null);
  });

  it('serves the same bytes within a second and counts hits and misses', async () => {
    const h = new Harness('cache', backend());
    await h.respond('example.org.');
    const a = (await h.respond('example.org.')).resp;
    const b = (await h.respond('example.org.')).resp;
    expect(a).to.equal(b);
    h.advance(1);
    expect((await h.respond('example.org.')).resp).to.not.equal(a);
    await h.ask('gone.example.org.');
    await h.ask('gone.example.org.');
    expect(h.cache.stats).to.deep.include({ requests: 6, misses: 2, hits: { success: 3, denial: 1 } });
    expect(h.cache.entries('success')).to.equal(1);
    expect(h.cache.entries('denial')).to.equal(1);
  });

  it('passes queries outside its zones through', async () => {
    const h = new Harness('cache example.org', backend());
    await h.ask('example.com.');
    await h.ask('example.com.');
    await h.ask('example.org.');
    await h.ask('example.org.');
    expect(h.backend.calls).to.equal(3);
    expect(h.cache.stats.requests).to.equal(2);
  });

  it('does not cache a failure thrown by the chain', async () => {
    const b = new Backend(() => { throw new DnsError(Rcode.SERVFAIL, 'upstream down'); });
    const h = new Harness('cache', b);
    for (let i = 0; i < 2; i++) {
      let err: unknown;
      await h.ask('example.org.').catch((e: unknown) => { err = e; });
      expect(err).to.be.instanceOf(DnsError);
    }
    expect(b.calls).to.equal(2);
  });

  it('evicts the least recently used entry beyond its capacity', async () => {
    const h = new Harness('cache {\n success 1024\n}', new Backend((req) => reply(Rcode.NOERROR, [`${req.lname} 300 IN A 192.0.2.1`])));
    for (let i = 0; i < 1024; i++) await h.ask(`n${i}.example.org.`);
    await h.ask('n0.example.org.'); // now the most recent
    await h.ask('extra.example.org.');
    expect(h.cache.entries('success')).to.equal(1024);
    expect(h.cache.stats.evictions.success).to.equal(1);
    const calls = h.backend.calls;
    await h.ask('n0.example.org.');
    expect(h.backend.calls).to.equal(calls);
    await h.ask('n1.example.org.');
    expect(h.backend.calls).to.equal(calls + 1);
  });

  describe('changes announced by plugins', () => {
    it('drops the entries under the changed zones, and only those', async () => {
      const h = new Harness('cache', backend());
      for (const n of ['example.org.', 'gone.example.org.', 'other.net.']) await h.ask(n);
      h.cache.dropZones(['example.org.']);
      for (const n of ['example.org.', 'gone.example.org.', 'other.net.']) await h.ask(n);
      expect(h.backend.calls).to.equal(5);
      // A tracked zone is dropped through its index from then on.
      h.cache.dropZones(['example.org.']);
      await h.ask('example.org.');
      await h.ask('other.net.');
      expect(h.backend.calls).to.equal(6);
    });

    it('does not store an answer fetched across a change', async () => {
      let release: () => void = () => undefined;
      const h = new Harness('cache', new Backend(async (req) => {
        await new Promise<void>((r) => { release = r; });
        return reply(Rcode.NOERROR, [`${req.lname} 300 IN A 192.0.2.1`]);
      }));
      h.cache.dropZones(['example.org.']);
      const pending = h.ask('a.example.org.');
      await settle();
      h.cache.dropZones(['example.org.']);
      release();
      await pending;
      const again = h.ask('a.example.org.');
      await settle();
      release();
      await again;
      expect(h.backend.calls).to.equal(2);
    });
  });

  describe('relayed answers (forward)', () => {
    /** An upstream's reply bytes, as forward hands them over: its own ID, an OPT record. */
    function relayed(qname: string, ttl: number): Response {
      const built = reply(Rcode.NOERROR, [`${qname} ${ttl} IN A 192.0.2.7`, `${qname} ${ttl + 100} IN A 192.0.2.8`], [], [], false);
      built.recursionAvailable = true;
      return Response.relay(encodeRaw(built, qname));
    }

    it('counts down the upstream TTLs and gives each client its own OPT', async () => {
      const h = new Harness('cache', new Backend((req) => relayed(req.qname, 120)));
      const first = await h.respond('www.example.net.', Type.A, { udpSize: 1232 });
      expect(first.resp.relayed, 'the miss is relayed as it came, TTLs set').to.not.equal(undefined);
      checkCase(first.msg, { qname: 'www.example.net.', qtype: 'A', aa: false,
        answer: ['www.example.net. 120 IN A 192.0.2.7', 'www.example.net. 120 IN A 192.0.2.8'] });
      expect(first.msg.edns).to.not.equal(null);
      h.advance(20);
      const hit = await h.ask('WWW.example.net.');
      expect(h.backend.calls).to.equal(1);
      expect(hit.ra).to.equal(true);
      expect(hit.edns).to.equal(null);
      checkCase(hit, { qname: 'WWW.example.net.', qtype: 'A', aa: false,
        answer: ['WWW.example.net. 100 IN A 192.0.2.7', 'WWW.example.net. 100 IN A 192.0.2.8'] });
      // DO is keyed: one more upstream query, then hits with the client's own DO bit.
      await h.ask('www.example.net.', Type.A, { udpSize: 1232, dnssecOk: true });
      const withDo = await h.ask('www.example.net.', Type.A, { udpSize: 1232, dnssecOk: true });
      expect(h.backend.calls).to.equal(2);
      expect(withDo.edns).to.deep.include({ dnssecOk: true });
    });
  });

  describe('prefetch', () => {
    it('refreshes a popular entry near its end, answering from the cache meanwhile', async () => {
      let serial = 1;
      const h = new Harness('cache {\n prefetch 2 1m 50%\n}',
        new Backend((req) => reply(Rcode.NOERROR, [`${req.lname} 10 IN A 192.0.2.${serial++}`])));
      await h.ask('example.org.');
      h.advance(2);
      await h.ask('example.org.'); // 1 hit, 8 s left
      h.advance(4);
      const msg = await h.ask('example.org.'); // 2 hits, 4 s left <= 5: prefetch
      checkCase(msg, { qname: 'example.org.', qtype: 'A', answer: ['example.org. 4 IN A 192.0.2.1'] });
      await settle();
      expect(h.backend.calls).to.equal(2);
      expect(h.cache.stats.prefetches).to.equal(1);
      checkCase(await h.ask('example.org.'), { qname: 'example.org.', qtype: 'A', answer: ['example.org. 10 IN A 192.0.2.2'] });
    });

    it('leaves unpopular entries to expire', async () => {
      const h = new Harness('cache {\n prefetch 10 10s\n}', backend());
      await h.ask('short.example.org.');
      for (let i = 0; i < 4; i++) {
        h.advance(1);
        await h.ask('short.example.org.');
      }
      await settle();
      expect(h.backend.calls).to.equal(1);
      const gappy = new Harness('cache {\n prefetch 2 1s\n}', backend());
      await gappy.ask('short.example.org.');
      gappy.advance(2);
      await gappy.ask('short.example.org.');
      gappy.advance(2);
      await gappy.ask('short.example.org.');
      await settle();
      expect(gappy.backend.calls).to.equal(1);
    });
  });

  describe('serve_stale', () => {
    /** A backend that answers until `down` is set, then fails as forward does with every upstream down. */
    function flaky(): Backend & { down: boolean } {
      const b = new Backend((req) => {
        if (b.down) throw new DnsError(Rcode.SERVFAIL, 'no upstream answered');
        return reply(Rcode.NOERROR, [`${req.lname} 10 IN A 192.0.2.1`]);
      }) as Backend & { down: boolean };
      b.down = false;
      return b;
    }

    it('answers with the expired entry (TTL 0) while the backend is down, then refreshes (immediate)', async () => {
      const b = flaky();
      const h = new Harness('cache {\n serve_stale 1h\n}', b);
      await h.ask('example.org.');
      b.down = true;
      h.advance(30);
      checkCase(await h.ask('example.org.'), { qname: 'example.org.', qtype: 'A', answer: ['example.org. 0 IN A 192.0.2.1'] });
      await settle();
      checkCase(await h.ask('example.org.'), { qname: 'example.org.', qtype: 'A', answer: ['example.org. 0 IN A 192.0.2.1'] });
      await settle();
      expect(h.cache.stats.servedStale).to.equal(2);
      b.down = false;
      h.advance(1);
      await h.ask('example.org.'); // stale once more; the refresh succeeds behind it
      await settle();
      checkCase(await h.ask('example.org.'), { qname: 'example.org.', qtype: 'A', answer: ['example.org. 10 IN A 192.0.2.1'] });
    });

    it('stops after DURATION', async () => {
      const b = flaky();
      const h = new Harness('cache {\n serve_stale 1m\n}', b);
      await h.ask('example.org.');
      b.down = true;
      h.advance(10 + 61);
      let err: unknown;
      await h.ask('example.org.').catch((e: unknown) => { err = e; });
      expect(err).to.be.instanceOf(DnsError);
    });

    it('asks the backend first in verify mode', async () => {
      let n = 1;
      const b = new Backend((req) => reply(Rcode.NOERROR, [`${req.lname} 10 IN A 192.0.2.${n++}`]));
      const h = new Harness('cache {\n serve_stale 1h verify\n}', b);
      await h.ask('example.org.');
      h.advance(11);
      checkCase(await h.ask('example.org.'), { qname: 'example.org.', qtype: 'A', answer: ['example.org. 10 IN A 192.0.2.2'] });
      b.answer = () => reply(Rcode.SERVFAIL);
      h.advance(11);
      checkCase(await h.ask('example.org.'), { qname: 'example.org.', qtype: 'A', answer: ['example.org. 0 IN A 192.0.2.2'] });
      expect(h.cache.stats.servedStale).to.equal(1);
    });
  });
});

