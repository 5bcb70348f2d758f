// Query names -> what they ask for (SPEC §1 "Parsing").

import { expect } from 'chai';
import { parseName, type ParsedName } from '../../../src/plugins/kubernetes/parse.js';

const Z = 'cluster.local.';

const cases: { name: string; zone?: string; want: ParsedName }[] = [
  { name: Z, want: { kind: 'apex' } },
  { name: `svc.${Z}`, want: { kind: 'ent' } },
  { name: `pod.${Z}`, want: { kind: 'ent' } },
  { name: `dns.${Z}`, want: { kind: 'ent' } },
  { name: `ns.dns.${Z}`, want: { kind: 'nsDns' } },
  { name: `x.dns.${Z}`, want: { kind: 'none' } },
  { name: `a.ns.dns.${Z}`, want: { kind: 'none' } },
  { name: `dns-version.${Z}`, want: { kind: 'dnsVersion' } },
  { name: `x.dns-version.${Z}`, want: { kind: 'none' } },
  { name: `foo.${Z}`, want: { kind: 'none' } },
  { name: `ns.svc.${Z}`, want: { kind: 'namespace', space: 'svc', namespace: 'ns' } },
  { name: `ns.pod.${Z}`, want: { kind: 'namespace', space: 'pod', namespace: 'ns' } },
  { name: `s.ns.svc.${Z}`, want: { kind: 'service', namespace: 'ns', service: 's' } },
  { name: `e.s.ns.svc.${Z}`, want: { kind: 'endpoint', namespace: 'ns', service: 's', endpoint: 'e' } },
  { name: `_http._tcp.s.ns.svc.${Z}`, want: { kind: 'port', namespace: 'ns', service: 's', port: 'http', protocol: 'tcp' } },
  // Both labels need their underscore (RFC 2782), and a name after it.
  { name: `http._tcp.s.ns.svc.${Z}`, want: { kind: 'none' } },
  { name: `_http.tcp.s.ns.svc.${Z}`, want: { kind: 'none' } },
  { name: `_._tcp.s.ns.svc.${Z}`, want: { kind: 'none' } },
  { name: `a._http._tcp.s.ns.svc.${Z}`, want: { kind: 'none' } },
  { name: `1-2-3-4.ns.pod.${Z}`, want: { kind: 'pod', namespace: 'ns', label: '1-2-3-4' } },
  { name: `x.1-2-3-4.ns.pod.${Z}`, want: { kind: 'none' } },
  // Wildcards are literal labels.
  { name: `*.ns.svc.${Z}`, want: { kind: 'service', namespace: 'ns', service: '*' } },
  { name: `a\\.b.ns.svc.${Z}`, want: { kind: 'none' } },
  { name: 's.ns.svc.', zone: '.', want: { kind: 'service', namespace: 'ns', service: 's' } },
  { name: 'in-addr.arpa.', zone: 'in-addr.arpa.', want: { kind: 'apex' } },
  { name: '1.0.0.10.in-addr.arpa.', zone: 'in-addr.arpa.', want: { kind: 'reverse', ip: '10.0.0.1' } },
  { name: '0.0.10.in-addr.arpa.', zone: 'in-addr.arpa.', want: { kind: 'none' } },
  { name: '1.0.0.10.in-addr.arpa.', zone: '0.0.10.in-addr.arpa.', want: { kind: 'reverse', ip: '10.0.0.1' } },
  { name: `${'0.'.repeat(31)}1.ip6.arpa.`, zone: 'ip6.arpa.', want: { kind: 'reverse', ip: '1000::' } },
];

describe('kubernetes query name parsing', () => {
  for (const c of cases) {
    it(`${c.name} in ${c.zone ?? Z}`, () => {
      expect(parseName(c.name, c.zone ?? Z)).to.deep.equal(c.want);
    });
  }
});
