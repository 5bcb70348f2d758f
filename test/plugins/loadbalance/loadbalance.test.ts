import { expect } from 'chai';
import { Rcode, Type } from '../../../src/dns/constants.js';
import { encodeResponse } from '../../../src/dns/encode.js';
import { Response } from '../../../src/dns/message.js';
import { makeRequest } from '../../../src/dns/query.js';
import { recordText, type Rec } from '../../../src/dns/records.js';
import { LoadBalance } from '../../../src/plugins/loadbalance/loadbalance.js';
import { answering, testCtx } from '../../support/chain.js';
import { reply } from '../../support/rr.js';

const ADDRESSES = ['www.example.org. 300 IN A 192.0.2.1', 'www.example.org. 300 IN A 192.0.2.2',
  'www.example.org. 300 IN AAAA 2001:db8::1'];
const CNAMES = ['alias.example.org. 300 IN CNAME other.example.org.', 'other.example.org. 300 IN CNAME www.example.org.'];

async function balance(resp: Response, qtype: number = Type.A): Promise<Response> {
  return new LoadBalance().serve(testCtx, makeRequest('alias.example.org.', qtype), answering(resp));
}

const texts = (recs: readonly Rec[]): string[] => recs.map(recordText);
const TXT = 'www.example.org. 300 IN TXT "x"';

describe('loadbalance', () => {
  it('shuffles the addresses and keeps the CNAME chain first, in order', async () => {
    const orig = reply(Rcode.NOERROR, [ADDRESSES[0]!, CNAMES[0]!, ADDRESSES[1]!, TXT, CNAMES[1]!, ADDRESSES[2]!]);
    const before = texts(orig.answer);
    const firsts = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const got = texts((await balance(orig)).answer);
      expect(got.slice(0, 3)).to.deep.equal(texts(reply(Rcode.NOERROR, [...CNAMES, TXT]).answer));
      expect([...got.slice(3)].sort()).to.deep.equal(texts(reply(Rcode.NOERROR, ADDRESSES).answer).sort());
      firsts.add(got[3]!);
    }
    expect(firsts.size, 'every address comes first sometimes').to.equal(3);
    expect(texts(orig.answer), 'the original is not changed').to.deep.equal(before);
  });

  it('shuffles the additional section too', async () => {
    const orig = reply(Rcode.NOERROR, ['_http._tcp.example.org. 30 IN SRV 0 100 80 www.example.org.'], [],
      ADDRESSES);
    const firsts = new Set<string>();
    for (let i = 0; i < 100; i++) firsts.add(texts((await balance(orig, Type.SRV)).additional)[0]!);
    expect(firsts.size).to.equal(3);
  });

  const untouched: { name: string; resp: () => Response; qtype?: number }[] = [
    { name: 'one address', resp: () => reply(Rcode.NOERROR, [CNAMES[0]!, ADDRESSES[0]!]) },
    { name: 'NXDOMAIN', resp: () => reply(Rcode.NXDOMAIN, ADDRESSES) },
    { name: 'a zone transfer', resp: () => reply(Rcode.NOERROR, ADDRESSES), qtype: Type.AXFR },
    { name: 'a relayed answer with one record per section', resp: () => Response.relay(encodeResponse(
      reply(Rcode.NOERROR, [ADDRESSES[0]!]), makeRequest('www.example.org.', Type.A, { udpSize: 1232 }))) },
  ];
  for (const c of untouched) {
    it(`passes ${c.name} on untouched`, async () => {
      const resp = c.resp();
      expect(await balance(resp, c.qtype)).to.equal(resp);
    });
  }

  it('shuffles a relayed answer into a built one', async () => {
    const wire = encodeResponse(reply(Rcode.NOERROR, ADDRESSES), makeRequest('www.example.org.', Type.A, { udpSize: 1232 }));
    const firsts = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const got = await balance(Response.relay(wire));
      expect(got.relayed).to.equal(undefined);
      firsts.add(texts(got.answer)[0]!);
    }
    expect(firsts.size).to.equal(3);
  });
});
