import { expect } from 'chai';
import { Class, Rcode, Type, className, typeName } from '../../../src/dns/constants.js';
import { decodeMessage, type Message } from '../../../src/dns/decode.js';
import { encodeResponse } from '../../../src/dns/encode.js';
import { parseQuery, Rejected, Response, type Request } from '../../../src/dns/message.js';
import { makeRequest, type QueryOptions } from '../../../src/dns/query.js';
import { DnsError } from '../../../src/errors.js';
import type { Next } from '../../../src/plugins/plugin.js';
import { Rewrite } from '../../../src/plugins/rewrite/rewrite.js';
import { parse } from '../../../src/plugins/rewrite/setup.js';
import { compose } from '../../../src/server/chain.js';
import { checkCase, type Case } from '../../support/cases.js';
import { qtypeOf } from '../../support/dns.js';
import { line } from '../../support/lines.js';
import { reply } from '../../support/rr.js';

/** The backend: answers with records owned by the name it was asked, and remembers the query. */
class Backend {
  seen: Request | undefined;
  constructor(private readonly answer: (lname: string) => string[] = (n) => [`${n} 60 IN A 192.0.2.1`]) {}
  readonly handler = {
    name: 'backend',
    serve: (_ctx: unknown, req: Request): Promise<Response> => {
      this.seen = req;
      return Promise.resolve(reply(Rcode.NOERROR, this.answer(req.lname)));
    },
  };
}

async function run(rules: string[], qname: string, qtype: string, backend = new Backend(), opts: QueryOptions = {}):
  Promise<{ msg: Message; seen: Request }> {
  const chain: Next = compose([...rules.map((r) => new Rewrite(parse(line(r)))), backend.handler]);
  const req = makeRequest(qname, qtypeOf(qtype), opts);
  const resp = await chain({ zone: '.', server: 'dns://:53', resolve: () => Promise.reject(new Error('unused')) }, req);
  return { msg: decodeMessage(encodeResponse(resp, req)), seen: backend.seen! };
}

/** "name TYPE CLASS" of a request, read back from its raw bytes as an upstream would. */
function asked(req: Request): string {
  const parsed = parseQuery(req.raw, req.transport);
  if (parsed instanceof Rejected) throw new Error(parsed.reason);
  expect(parsed.lname).to.equal(req.lname);
  expect([parsed.qtype, parsed.qclass, parsed.questionEnd]).to.deep.equal([req.qtype, req.qclass, req.questionEnd]);
  return `${parsed.qname} ${typeName(parsed.qtype)} ${className(parsed.qclass)}`;
}

interface RewriteCase extends Case {
  rules: string[];
  /** What the backend was asked. */
  asked: string;
  backend?: (lname: string) => string[];
}

describe('rewrite', () => {
  const cases: RewriteCase[] = [
    { rules: ['rewrite name exact example.org example.net'], qname: 'example.org.', qtype: 'A',
      asked: 'example.net. A IN', answer: ['example.org. 60 IN A 192.0.2.1'] },
    { rules: ['rewrite name example.org example.net'], qname: 'Example.ORG.', qtype: 'A',
      asked: 'example.net. A IN', answer: ['Example.ORG. 60 IN A 192.0.2.1'] },
    { rules: ['rewrite name exact example.org example.net'], qname: 'www.example.org.', qtype: 'A',
      asked: 'www.example.org. A IN', answer: ['www.example.org. 60 IN A 192.0.2.1'] },
    // Exact rules map names below the rewritten one back too.
    { rules: ['rewrite name exact example.org example.net'], qname: 'example.org.', qtype: 'A', asked: 'example.net. A IN',
      backend: (n) => [`${n} 60 IN CNAME www.${n}`, `www.${n} 60 IN A 192.0.2.1`],
      answer: ['example.org. 60 IN CNAME www.example.net.', 'www.example.org. 60 IN A 192.0.2.1'] },
    // A suffix rule without answer options: the question is the client's, the answer names are not.
    { rules: ['rewrite name suffix .schmoogle.com. .google.com.'], qname: 'www.schmoogle.com.', qtype: 'A',
      asked: 'www.google.com. A IN', answer: ['www.google.com. 60 IN A 192.0.2.1'] },
    { rules: ['rewrite name suffix .schmoogle.com .google.com answer auto'], qname: 'www.schmoogle.com.', qtype: 'A',
      asked: 'www.google.com. A IN', backend: (n) => [`${n} 60 IN CNAME mail.google.com.`, 'mail.google.com. 60 IN A 192.0.2.1'],
      answer: ['www.schmoogle.com. 60 IN CNAME mail.google.com.', 'mail.schmoogle.com. 60 IN A 192.0.2.1'] },
    { rules: ['rewrite name suffix com org'], qname: 'com.coredns.', qtype: 'A', asked: 'com.coredns. A IN',
      answer: ['com.coredns. 60 IN A 192.0.2.1'] },
    { rules: ['rewrite name prefix foo bar answer auto'], qname: 'foo.example.com.', qtype: 'A', asked: 'bar.example.com. A IN',
      answer: ['foo.example.com. 60 IN A 192.0.2.1'] },
    { rules: ['rewrite name prefix foo bar'], qname: 'foobar.example.com.', qtype: 'A', asked: 'foobar.example.com. A IN',
      answer: ['foobar.example.com. 60 IN A 192.0.2.1'] },
    { rules: ['rewrite name substring service.us-west-1.example.org service.us-west-1.consul'], qname: 'ftp.service.us-west-1.example.org.',
      qtype: 'A', asked: 'ftp.service.us-west-1.consul. A IN', answer: ['ftp.service.us-west-1.consul. 60 IN A 192.0.2.1'] },
    { rules: ['rewrite name regex (.*)-(us-west-1)\\.example\\.org {1}.service.{2}.consul answer name (.*)\\.service\\.(us-west-1)\\.consul {1}-{2}.example.org'],
      qname: 'ftp-us-west-1.example.org.', qtype: 'A', asked: 'ftp.service.us-west-1.consul. A IN',
      answer: ['ftp-us-west-1.example.org. 60 IN A 192.0.2.1'] },
    { rules: ['rewrite stop {\n  name regex (.*)\\.coredns\\.rocks {1}.coredns.maps\n  answer auto\n}'], qname: 'foo.coredns.rocks.',
      qtype: 'A', asked: 'foo.coredns.maps. A IN', answer: ['foo.coredns.rocks. 60 IN A 192.0.2.1'] },
    { rules: ['rewrite name regex (.*)\\.coredns\\.rocks {1}.coredns.maps answer auto value (.*)\\.coredns\\.maps {1}.coredns.rocks'],
      qname: 'foo.coredns.rocks.', qtype: 'SRV', asked: 'foo.coredns.maps. SRV IN',
      backend: (n) => [`${n} 60 IN SRV 0 100 80 www.coredns.maps.`, `${n} 60 IN CNAME www.coredns.maps.`],
      answer: ['foo.coredns.rocks. 60 IN SRV 0 100 80 www.coredns.rocks.', 'foo.coredns.rocks. 60 IN CNAME www.coredns.rocks.'] },
    // continue hands the rewritten query to the next rule; stop ends the rewriting.
    { rules: ['rewrite continue name exact a.example.org b.example.org', 'rewrite name exact b.example.org c.example.org'],
      qname: 'a.example.org.', qtype: 'A', asked: 'c.example.org. A IN', answer: ['a.example.org. 60 IN A 192.0.2.1'] },
    { rules: ['rewrite name exact a.example.org b.example.org', 'rewrite name exact b.example.org c.example.org'],
      qname: 'a.example.org.', qtype: 'A', asked: 'b.example.org. A IN', answer: ['a.example.org. 60 IN A 192.0.2.1'] },
    { rules: ['rewrite stop name exact x.example.org y.example.org', 'rewrite name exact b.example.org c.example.org'],
      qname: 'b.example.org.', qtype: 'A', asked: 'c.example.org. A IN', answer: ['b.example.org. 60 IN A 192.0.2.1'] },
    { rules: ['rewrite type ANY HINFO'], qname: 'example.org.', qtype: 'ANY', asked: 'example.org. HINFO IN',
      answer: ['example.org. 60 IN A 192.0.2.1'] },
    { rules: ['rewrite type ANY HINFO'], qname: 'example.org.', qtype: 'A', asked: 'example.org. A IN',
      answer: ['example.org. 60 IN A 192.0.2.1'] },
  ];
  for (const c of cases) {
    it(`${c.qname} ${c.qtype} with ${c.rules.join('; ').replace(/\n\s*/g, ' ')}`, async () => {
      const { msg, seen } = await run(c.rules, c.qname, c.qtype, new Backend(c.backend));
      expect(asked(seen)).to.equal(c.asked);
      expect(msg.question[0], 'the client\'s own question').to.deep.equal({ name: c.qname, type: qtypeOf(c.qtype), class: Class.IN });
      checkCase(msg, c);
    });
  }

  it('rewrites the class, keeping the client\'s in the answer', async () => {
    const { msg, seen } = await run(['rewrite class CH IN'], 'version.bind.', 'TXT', undefined, { qclass: Class.CH });
    expect(asked(seen)).to.equal('version.bind. TXT IN');
    expect(msg.question[0]!.class).to.equal(Class.CH);
  });

  it('keeps the header and EDNS of the query', async () => {
    const { seen } = await run(['rewrite name exact example.org example.net'], 'example.org.', 'A', undefined,
      { id: 777, udpSize: 1232, dnssecOk: true, rd: false });
    expect(seen).to.deep.include({ id: 777, rd: false, edns: { udpSize: 1232, version: 0, dnssecOk: true } });
  });

  it('answers SERVFAIL for a name that is not legal after the rewrite', async () => {
    let err: unknown;
    await run(['rewrite name regex (.*)\\.example\\.org {1}..bad'], 'www.example.org.', 'A').catch((e: unknown) => { err = e; });
    expect(err).to.be.instanceOf(DnsError);
    expect((err as DnsError).rcode).to.equal(Rcode.SERVFAIL);
    expect((err as Error).message).to.contain('invalid name after rewrite');
  });

  it('rebuilds a relayed answer around the client\'s question', async () => {
    const upstream = {
      name: 'forward',
      serve: (_ctx: unknown, req: Request): Promise<Response> =>
        Promise.resolve(Response.relay(encodeResponse(reply(Rcode.NOERROR, [`${req.lname} 60 IN A 192.0.2.1`]), req))),
    };
    const chain = compose([new Rewrite(parse(line('rewrite name exact a.example.org long.name.example.org'))), upstream]);
    const req = makeRequest('A.example.org.', Type.A);
    const resp = await chain({ zone: '.', server: 'dns://:53', resolve: () => Promise.reject(new Error('unused')) }, req);
    const msg = decodeMessage(encodeResponse(resp, req));
    expect(msg.question[0]!.name).to.equal('A.example.org.');
    checkCase(msg, { qname: 'A.example.org.', qtype: 'A', answer: ['A.example.org. 60 IN A 192.0.2.1'] });
  });
});
