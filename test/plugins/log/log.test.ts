import { expect } from 'chai';
import { Rcode, Type } from '../../../src/dns/constants.js';
import { encodeResponse } from '../../../src/dns/encode.js';
import { Response, type Request, type Transport } from '../../../src/dns/message.js';
import { makeRequest, type QueryOptions } from '../../../src/dns/query.js';
import type { Rec } from '../../../src/dns/records.js';
import type { ResponseClass } from '../../../src/dns/typify.js';
import { DnsError } from '../../../src/errors.js';
import { COMMON_FORMAT } from '../../../src/plugins/log/format.js';
import { Log, type Rule } from '../../../src/plugins/log/log.js';
import type { Next } from '../../../src/plugins/plugin.js';
import { later } from '../../../src/server/chain.js';
import { answering, failing, testCtx } from '../../support/chain.js';

const udp4: Transport = { proto: 'udp', remoteAddress: '127.0.0.1', remotePort: 52133, localPort: 53 };
const tcp6: Transport = { proto: 'tcp', remoteAddress: '2001:db8::1', remotePort: 53000, localPort: 53 };
const mapped: Transport = { proto: 'udp', remoteAddress: '::ffff:192.0.2.7', remotePort: 1234, localPort: 53 };

const A: Rec = { name: 'example.org.', ttl: 5, type: Type.A, address: '10.0.0.1' };
const CNAME: Rec = { name: 'example.org.', ttl: 5, type: Type.CNAME, target: 'other.org.' };
const SOA: Rec = {
  name: 'org.', ttl: 5, type: Type.SOA, mname: 'ns.org.', rname: 'hostmaster.org.',
  serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: 5,
};
const NS: Rec = { name: 'example.org.', ttl: 5, type: Type.NS, target: 'ns.example.org.' };

function reply(rcode: number, answer: Rec[] = [], authority: Rec[] = [], aa = false): Response {
  const r = new Response(rcode);
  r.answer = answer;
  r.authority = authority;
  r.authoritative = aa;
  return r;
}

const rule = (r: Partial<Rule>): Rule => ({ names: ['.'], format: COMMON_FORMAT, classes: null, minDuration: 0, ...r });

/** Runs one query through a Log handler; resolves with the lines it wrote. */
async function run(r: Rule, req: Request, next: Next): Promise<string[]> {
  const out: string[] = [];
  await later(() => new Log(r, (l) => out.push(l)).serve(testCtx, req, next)).catch(() => undefined);
  return out;
}

describe('log', () => {
  it('writes the common log format', async () => {
    const req = makeRequest('example.org.', Type.A, { id: 4931, udpSize: 1232 }, udp4);
    const resp = reply(Rcode.NOERROR, [A], [], true);
    const size = req.raw.length;
    const rsize = encodeResponse(resp, req).length;
    const [l] = await run(rule({}), req, answering(resp));
    expect(l).to.match(new RegExp(
      `^127\\.0\\.0\\.1:52133 - 4931 "A IN example\\.org\\. udp ${size} false 1232" NOERROR qr,aa,rd ${rsize} \\d+(\\.\\d+)?s$`));
  });

  const placeholders: { format: string; qname?: string; qtype?: number; opts?: QueryOptions;
    transport?: Transport; next?: Next; want: string | RegExp }[] = [
    // The name is lower-cased, as CoreDNS's state.Name().
    { format: '{type} {class} {name}', qname: 'Example.ORG.', qtype: Type.AAAA, want: 'AAAA IN example.org.' },
    { format: '{proto} {remote} {port}', transport: tcp6, want: 'tcp [2001:db8::1] 53000' },
    // An IPv4 client on a dual-stack socket.
    { format: '{remote}', transport: mapped, want: '192.0.2.7' },
    { format: '{>id} {>opcode} {>do} {>bufsize}', opts: { id: 7, udpSize: 4096, dnssecOk: true }, want: '7 0 true 4096' },
    { format: '{>bufsize}', want: '512' },
    { format: '{>bufsize}', transport: tcp6, opts: { udpSize: 1232 }, want: '65535' },
    // A DnsError from next: its rcode, and the header-only reply the server sends.
    { format: '{rcode} {>rflags} {rsize}', next: failing(new DnsError(Rcode.REFUSED, 'no')), want: 'REFUSED qr,rd 29' },
    { format: '{rcode}', next: failing(new Error('bug')), want: 'SERVFAIL' },
    { format: '{>rflags}', opts: { rd: false }, next: answering(Object.assign(reply(Rcode.NOERROR), { recursionAvailable: true })), want: 'qr,ra' },
    // Unknown labels stay as written; metadata labels have no value in kdns.
    { format: '{host} {/meta/x} a} {', want: '{host} - a} {' },
    { format: '{ {type} }', want: '{ A }' },
    { format: '{combined}', want: / "0"$/ },
    { format: '>> {common}', want: /^>> 127\.0\.0\.1:52133 - 0 "A IN example\.org\. udp / },
  ];
  for (const c of placeholders) {
    it(`${JSON.stringify(c.format)} ${c.transport?.proto ?? 'udp'} -> ${c.want}`, async () => {
      const req = makeRequest(c.qname ?? 'example.org.', c.qtype ?? Type.A, c.opts ?? {}, c.transport ?? udp4);
      const [l] = await run(rule({ format: c.format }), req, c.next ?? answering(reply(Rcode.NOERROR)));
      if (typeof c.want === 'string') expect(l).to.equal(c.want);
      else expect(l).to.match(c.want);
    });
  }

  it('replaces {size}, {rsize} and {duration}', async () => {
    const req = makeRequest('example.org.', Type.A, {}, udp4);
    const resp = reply(Rcode.NOERROR, [A]);
    const [l] = await run(rule({ format: '{size} {rsize} {duration}' }), req, answering(resp));
    expect(l).to.match(new RegExp(`^${req.raw.length} ${encodeResponse(resp, req).length} \\d+(\\.\\d+)?s$`));
  });

  describe('class', () => {
    const kinds: { name: string; qtype?: number; next: Next; cls: ResponseClass }[] = [
      { name: 'an answer', next: answering(reply(Rcode.NOERROR, [A])), cls: 'success' },
      { name: 'a delegation', next: answering(reply(Rcode.NOERROR, [], [NS])), cls: 'success' },
      { name: 'NOERROR without records or SOA', next: answering(reply(Rcode.NOERROR)), cls: 'success' },
      { name: 'NXDOMAIN with SOA', next: answering(reply(Rcode.NXDOMAIN, [], [SOA])), cls: 'denial' },
      { name: 'NODATA (NOERROR with SOA)', next: answering(reply(Rcode.NOERROR, [], [SOA])), cls: 'denial' },
      { name: 'a CNAME alone for an A query', next: answering(reply(Rcode.NOERROR, [CNAME])), cls: 'denial' },
      { name: 'a CNAME for a CNAME query', qtype: Type.CNAME, next: answering(reply(Rcode.NOERROR, [CNAME])), cls: 'success' },
      { name: 'SERVFAIL answered', next: answering(reply(Rcode.SERVFAIL)), cls: 'error' },
      { name: 'REFUSED thrown', next: failing(new DnsError(Rcode.REFUSED, 'refused')), cls: 'error' },
      { name: 'NXDOMAIN without SOA', next: answering(reply(Rcode.NXDOMAIN)), cls: 'error' },
      { name: 'an AXFR answer', qtype: Type.AXFR, next: answering(reply(Rcode.NOERROR, [SOA])), cls: 'error' },
    ];
    for (const k of kinds) {
      for (const cls of ['success', 'denial', 'error'] as const) {
        const logged = k.cls === cls;
        it(`${k.name} is ${logged ? '' : 'not '}logged by "class ${cls}"`, async () => {
          const req = makeRequest('example.org.', k.qtype ?? Type.A, {}, udp4);
          expect(await run(rule({ classes: new Set([cls]) }), req, k.next)).to.have.length(logged ? 1 : 0);
        });
      }
    }
  });

  it('logs a slow query of another class with minDuration', async () => {
    const slow: Next = () => new Promise((resolve) => setTimeout(() => resolve(reply(Rcode.NOERROR, [A])), 30));
    const req = makeRequest('example.org.', Type.A, {}, udp4);
    expect(await run(rule({ classes: new Set(['error']), minDuration: 10 }), req, slow)).to.have.length(1);
    expect(await run(rule({ classes: new Set(['error']), minDuration: 1000 }), req, slow)).to.have.length(0);
  });

  it('passes queries outside its NAMES straight on', async () => {
    const req = makeRequest('example.net.', Type.A, {}, udp4);
    expect(await run(rule({ names: ['example.org.'] }), req, answering())).to.deep.equal([]);
  });

  it('logs a query once, by the first log line whose NAMES match', async () => {
    const out: string[] = [];
    const first = new Log(rule({ names: ['example.org.'], format: 'first {name}' }), (l) => out.push(l));
    const second = new Log(rule({ format: 'second {name}' }), (l) => out.push(l));
    const chain: Next = (ctx, req) => first.serve(ctx, req, (c, r) => second.serve(c, r, answering()));
    await chain(testCtx, makeRequest('www.example.org.', Type.A, {}, udp4));
    await chain(testCtx, makeRequest('example.net.', Type.A, {}, udp4));
    expect(out).to.deep.equal(['first www.example.org.', 'second example.net.']);
  });

  it('returns the response and re-throws the error of next unchanged', async () => {
    const resp = reply(Rcode.NOERROR, [A]);
    const req = makeRequest('example.org.', Type.A, {}, udp4);
    const log = new Log(rule({}), () => undefined);
    expect(await log.serve(testCtx, req, answering(resp))).to.equal(resp);
    const err = new DnsError(Rcode.SERVFAIL, 'boom');
    let got: unknown;
    await later(() => log.serve(testCtx, req, failing(err))).catch((e: unknown) => { got = e; });
    expect(got).to.equal(err);
  });

  it('leaves the encoded answer memoised for the server', async () => {
    const resp = reply(Rcode.NOERROR, [A]);
    const req = makeRequest('example.org.', Type.A, {}, udp4);
    await run(rule({}), req, answering(resp));
    expect(resp.wire).to.not.equal(undefined);
    expect(resp.wireName).to.equal(req.lname);
  });

  it('builds no line for a query its class filter drops', async () => {
    let built = 0;
    const req = makeRequest('example.org.', Type.A, {}, udp4);
    const resp = reply(Rcode.NOERROR, [A]);
    await new Log(rule({ classes: new Set(['denial']) }), () => { built++; }).serve(testCtx, req, answering(resp));
    expect(built).to.equal(0);
    expect(resp.wire, 'encoded although not logged').to.equal(undefined);
  });
});
