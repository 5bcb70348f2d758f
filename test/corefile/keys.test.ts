import { expect } from 'chai';
import { keyLabel, parseKey } from '../../src/corefile/keys.js';
import { expectCorefileError } from './support.js';

function zones(text: string): string[] {
  return parseKey({ text, file: 'Corefile', line: 7 }).map(keyLabel);
}

describe('corefile keys', () => {
  const cases: { key: string; want: string[] }[] = [
    { key: 'example.org', want: ['example.org.'] },
    { key: 'Example.ORG.', want: ['example.org.'] },
    { key: 'example.org:1053', want: ['example.org.:1053'] },
    { key: 'dns://example.org:53', want: ['example.org.:53'] },
    { key: 'DNS://Example.org', want: ['example.org.'] },
    { key: '.', want: ['.'] },
    { key: '.:53', want: ['.:53'] },
    { key: ':53', want: ['.:53'] },
    { key: 'dns://.:1053', want: ['.:1053'] },
    { key: 'dns://', want: ['.'] },
    { key: '_tcp.example.org', want: ['_tcp.example.org.'] },
    { key: '10.0.0.1', want: ['10.0.0.1.'] },
    { key: 'cluster.local:65535', want: ['cluster.local.:65535'] },
    // CIDR keys become reverse zones on an octet (IPv4) or nibble (IPv6) boundary.
    { key: '10.0.0.0/24', want: ['0.0.10.in-addr.arpa.'] },
    { key: '10.0.0.0/8', want: ['10.in-addr.arpa.'] },
    { key: '172.16.0.0/16:1053', want: ['16.172.in-addr.arpa.:1053'] },
    { key: '192.168.1.128/32', want: ['128.1.168.192.in-addr.arpa.'] },
    { key: '0.0.0.0/0', want: ['in-addr.arpa.'] },
    { key: 'dns://10.0.0.0/24:53', want: ['0.0.10.in-addr.arpa.:53'] },
    // Off a boundary: every zone one boundary down, as CoreDNS.
    { key: '10.0.0.0/23', want: ['0.0.10.in-addr.arpa.', '1.0.10.in-addr.arpa.'] },
    { key: '10.0.4.0/22', want: ['4.0.10.in-addr.arpa.', '5.0.10.in-addr.arpa.', '6.0.10.in-addr.arpa.', '7.0.10.in-addr.arpa.'] },
    { key: '10.0.0.0/15', want: ['0.10.in-addr.arpa.', '1.10.in-addr.arpa.'] },
    { key: 'fd00::/64', want: ['0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.'] },
    { key: 'FD00::/8', want: ['d.f.ip6.arpa.'] },
    { key: 'fc00::/7', want: ['c.f.ip6.arpa.', 'd.f.ip6.arpa.'] },
    { key: '2001:db8::/33', want: ['0.8.b.d.0.1.0.0.2.ip6.arpa.', '1.8.b.d.0.1.0.0.2.ip6.arpa.', '2.8.b.d.0.1.0.0.2.ip6.arpa.', '3.8.b.d.0.1.0.0.2.ip6.arpa.', '4.8.b.d.0.1.0.0.2.ip6.arpa.', '5.8.b.d.0.1.0.0.2.ip6.arpa.', '6.8.b.d.0.1.0.0.2.ip6.arpa.', '7.8.b.d.0.1.0.0.2.ip6.arpa.'] },
    { key: '::/0', want: ['ip6.arpa.'] },
    { key: 'fd00::/64:5353', want: ['0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.:5353'] },
    { key: '[fd00::/16]:5353', want: ['0.0.d.f.ip6.arpa.:5353'] },
  ];
  for (const c of cases) {
    it(c.key, () => expect(zones(c.key)).to.deep.equal(c.want));
  }

  it('a /17 gives the 128 /24 zones it spans', () => {
    const z = zones('192.168.128.0/17');
    expect(z).to.have.length(128);
    expect([z[0], z[127]]).to.deep.equal(['128.168.192.in-addr.arpa.', '255.168.192.in-addr.arpa.']);
  });

  it('every zone keeps the key token', () => {
    const keys = parseKey({ text: '10.0.0.0/23', file: 'F', line: 3 });
    expect(keys.map((k) => k.token)).to.deep.equal([{ text: '10.0.0.0/23', file: 'F', line: 3 }, { text: '10.0.0.0/23', file: 'F', line: 3 }]);
  });

  const errors: { key: string; fragment: string }[] = [
    { key: 'tls://example.org', fragment: 'scheme not supported by kdns' },
    { key: 'grpc://.', fragment: 'scheme not supported by kdns' },
    { key: 'https://.:443', fragment: 'scheme not supported by kdns' },
    { key: 'quic://.', fragment: 'scheme not supported by kdns' },
    { key: 'foo://.', fragment: "unknown scheme 'foo://'" },
    { key: 'example.org:', fragment: "expecting a port after ':'" },
    { key: 'example.org:0', fragment: "invalid port '0'" },
    { key: ':65536', fragment: "invalid port '65536'" },
    { key: 'example.org:abc', fragment: "invalid port 'abc'" },
    { key: 'example.org:-1', fragment: "invalid port '-1'" },
    { key: 'fd00::1', fragment: 'is not a zone' },
    { key: '[::1]:53', fragment: 'is not a zone' },
    { key: 'fd00::/64:', fragment: "expecting a port after ':'" },
    { key: '[fd00::/64', fragment: 'malformed key' },
    { key: '10.0.0.1/24', fragment: 'address bits are set past the /24 prefix' },
    { key: 'fd00::1/64', fragment: 'address bits are set past the /64 prefix' },
    { key: '10.0.0.0/33', fragment: 'prefix is longer than 32 bits' },
    { key: 'fd00::/129', fragment: 'prefix is longer than 128 bits' },
    { key: '10.0.0/24', fragment: "invalid CIDR '10.0.0/24'" },
    { key: '10.0.0.0/', fragment: 'invalid CIDR' },
    { key: '10.0.0.0/x', fragment: 'invalid CIDR' },
    { key: 'fe80::%eth0/64', fragment: 'invalid CIDR' },
    { key: 'example.org/24', fragment: 'invalid CIDR' },
    { key: 'a..b', fragment: "invalid zone 'a..b'" },
    { key: '.example.org', fragment: 'invalid zone' },
    { key: 'foo@bar', fragment: "invalid zone 'foo@bar'" },
    { key: `${'a'.repeat(64)}.org`, fragment: 'label longer than 63' },
    { key: 'example.org{', fragment: "'{' and '}' must be tokens of their own" },
  ];
  for (const c of errors) {
    it(`error: ${c.key}`, () => expectCorefileError(() => zones(c.key), 7, c.fragment, 'Corefile'));
  }
});
