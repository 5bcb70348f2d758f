import { expect } from 'chai';
import { Rcode, Type, typeName } from '../../../src/dns/constants.js';
import { Response, type Transport } from '../../../src/dns/message.js';
import { makeRequest } from '../../../src/dns/query.js';
import { DropError } from '../../../src/errors.js';
import { Metrics } from '../../../src/metrics/registry.js';
import { Acl, aclMetrics } from '../../../src/plugins/acl/acl.js';
import { parse } from '../../../src/plugins/acl/setup.js';
import type { Next } from '../../../src/plugins/plugin.js';
import { compose } from '../../../src/server/chain.js';
import { answering, testCtx } from '../../support/chain.js';
import { lines } from '../../support/lines.js';

const NEXT = new Response();
NEXT.authoritative = true;

/** What the chain did: went on to the next plugin, answered an rcode itself, or dropped the query. */
type Outcome = 'next' | 'REFUSED' | 'NOERROR-empty' | 'drop';

function transport(remoteAddress: string): Transport {
  return { proto: 'udp', remoteAddress, remotePort: 5353, localPort: 53 };
}

/** The acl directives of `corefile` as one chain ending in an answer. */
function chain(corefile: string, metrics = new Metrics()): Next {
  const handlers = lines(corefile).map((l) => new Acl(parse(l, ['example.org.']), aclMetrics(metrics)));
  return compose([...handlers, { name: 'next', serve: answering(NEXT) }]);
}

async function outcome(next: Next, qname: string, qtype: number, from: string): Promise<Outcome> {
  try {
    const resp = await next(testCtx, makeRequest(qname, qtype, {}, transport(from)));
    if (resp === NEXT) return 'next';
    expect(resp.answer.length + resp.authority.length + resp.additional.length).to.equal(0);
    return resp.rcode === Rcode.REFUSED ? 'REFUSED' : 'NOERROR-empty';
  } catch (err) {
    if (err instanceof DropError) return 'drop';
    throw err;
  }
}

interface AclCase { qname: string; qtype: number; from: string; want: Outcome }

const tables: { corefile: string; cases: AclCase[] }[] = [
  {
    corefile: 'acl {\n  block type A net 192.168.0.0/16\n}',
    cases: [
      { qname: 'example.org.', qtype: Type.A, from: '192.168.1.1', want: 'REFUSED' },
      { qname: 'www.example.org.', qtype: Type.A, from: '::ffff:192.168.9.9', want: 'REFUSED' },
      { qname: 'example.org.', qtype: Type.AAAA, from: '192.168.1.1', want: 'next' },
      { qname: 'example.org.', qtype: Type.A, from: '10.0.0.1', want: 'next' },
      { qname: 'example.org.', qtype: Type.A, from: '2001:db8::1', want: 'next' },
    ],
  },
  {
    corefile: 'acl {\n  filter type AAAA\n}',
    cases: [
      { qname: 'example.org.', qtype: Type.AAAA, from: '10.0.0.1', want: 'NOERROR-empty' },
      { qname: 'example.org.', qtype: Type.AAAA, from: 'fd00::1', want: 'NOERROR-empty' },
      { qname: 'example.org.', qtype: Type.A, from: 'fd00::1', want: 'next' },
    ],
  },
  {
    // The first matching policy wins: 192.168.1.0/24 is let through, the rest of /16 refused.
    corefile: 'acl {\n  allow net 192.168.1.0/24\n  block net 192.168.0.0/16\n}',
    cases: [
      { qname: 'example.org.', qtype: Type.A, from: '192.168.1.7', want: 'next' },
      { qname: 'example.org.', qtype: Type.A, from: '192.168.2.7', want: 'REFUSED' },
      { qname: 'example.org.', qtype: Type.A, from: '172.16.0.1', want: 'next' },
    ],
  },
  {
    // Allow-list: everything else is refused, IPv6 included.
    corefile: 'acl {\n  allow net 10.0.0.0/8 fd00::/8\n  block\n}',
    cases: [
      { qname: 'example.org.', qtype: Type.SRV, from: '10.244.3.4', want: 'next' },
      { qname: 'example.org.', qtype: Type.SRV, from: 'fd00::53', want: 'next' },
      { qname: 'example.org.', qtype: Type.SRV, from: '203.0.113.9', want: 'REFUSED' },
      { qname: 'example.org.', qtype: Type.SRV, from: '2001:db8::9', want: 'REFUSED' },
    ],
  },
  {
    corefile: 'acl {\n  drop net 192.0.2.0/24\n}',
    cases: [
      { qname: 'example.org.', qtype: Type.A, from: '192.0.2.1', want: 'drop' },
      { qname: 'example.org.', qtype: Type.A, from: '198.51.100.1', want: 'next' },
    ],
  },
  {
    // Only the listed zone is checked.
    corefile: 'acl a.example.org {\n  block net 192.168.1.0/24\n}',
    cases: [
      { qname: 'x.a.example.org.', qtype: Type.A, from: '192.168.1.1', want: 'REFUSED' },
      { qname: 'b.example.org.', qtype: Type.A, from: '192.168.1.1', want: 'next' },
    ],
  },
  {
    // Two directives: an `allow` in the first ends the checks (CoreDNS stops at the first allow);
    // a query the first does not match goes on to the second.
    corefile: 'acl {\n  allow net 10.0.0.1\n}\nacl {\n  block net 10.0.0.0/8\n}',
    cases: [
      { qname: 'example.org.', qtype: Type.A, from: '10.0.0.1', want: 'next' },
      { qname: 'example.org.', qtype: Type.A, from: '10.0.0.2', want: 'REFUSED' },
    ],
  },
];

describe('acl', () => {
  for (const t of tables) {
    describe(JSON.stringify(t.corefile), () => {
      const next = chain(t.corefile);
      for (const c of t.cases) {
        it(`${c.qname} ${typeName(c.qtype)} from ${c.from}: ${c.want}`, async () => {
          expect(await outcome(next, c.qname, c.qtype, c.from)).to.equal(c.want);
        });
      }
    });
  }

  it('counts blocked, filtered, dropped and allowed queries under CoreDNS names', async () => {
    const metrics = new Metrics();
    const next = chain('acl {\n  block net 10.0.0.1\n  filter net 10.0.0.2\n  drop net 10.0.0.3\n}', metrics);
    for (const from of ['10.0.0.1', '10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) await outcome(next, 'example.org.', Type.A, from);
    const text = await metrics.expose();
    expect(text).to.contain('coredns_acl_blocked_requests_total{server="dns://:53",zone="example.org.",view=""} 2');
    expect(text).to.contain('coredns_acl_filtered_requests_total{server="dns://:53",zone="example.org.",view=""} 1');
    expect(text).to.contain('coredns_acl_dropped_requests_total{server="dns://:53",zone="example.org.",view=""} 1');
    expect(text).to.contain('coredns_acl_allowed_requests_total{server="dns://:53",view=""} 1');
  });
});
