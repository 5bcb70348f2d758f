import { expect } from 'chai';
import { Rcode, Type } from '../../../src/dns/constants.js';
import { encodeResponse } from '../../../src/dns/encode.js';
import { Response } from '../../../src/dns/message.js';
import { decodeMessage } from '../../../src/dns/decode.js';
import { Reader, readName } from '../../../src/dns/names.js';
import { makeRequest } from '../../../src/dns/query.js';
import { recordText, type Opaque, type Rec } from '../../../src/dns/records.js';
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

  it('keeps MX exchanges compressed against other records intact (RFC 3597 4)', async () => {
    // example.test MX: 10 mail.example.test (compressed to the question),
    // 20 backup.mail.example.test (compressed into the first record's RDATA, offset 44).
    const wire = Buffer.from([
      0, 1, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,
      7, ...Buffer.from('example'), 4, ...Buffer.from('test'), 0, 0, 15, 0, 1,
      0xc0, 12, 0, 15, 0, 1, 0, 0, 1, 44, 0, 9, 0, 10, 4, ...Buffer.from('mail'), 0xc0, 12,
      0xc0, 12, 0, 15, 0, 1, 0, 0, 1, 44, 0, 11, 0, 20, 6, ...Buffer.from('backup'), 0xc0, 44,
    ]);
    const req = makeRequest('example.test.', Type.MX);
    const exchanges = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const msg = decodeMessage(encodeResponse(await balance(Response.relay(wire), Type.MX), req));
      const names = msg.answer.map((r) => readName(new Reader((r as Opaque).data, 2)));
      expect([...names].sort()).to.deep.equal(['backup.mail.example.test.', 'mail.example.test.']);
      exchanges.add(names[0]!);
    }
    expect(exchanges.size, 'both orders seen').to.equal(2);
  });
});
