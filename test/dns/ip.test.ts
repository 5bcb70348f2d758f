import { expect } from 'chai';
import { canonicalIp, ipFromReverseName, reverseName } from '../../src/dns/ip.js';

describe('ip', () => {
  const canon: [string, string | null][] = [
    ['10.0.0.1', '10.0.0.1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8::', '2001:db8::'],
    ['::ffff:10.1.2.3', '::ffff:a01:203'],
    ['fd00:0:0:1:0:0:0:0', 'fd00:0:0:1::'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'], ['1:0:0:2:0:0:3:4', '1::2:0:0:3:4'],
    ['not-an-ip', null],
  ];
  for (const [input, want] of canon) it(`canonical ${input}`, () => expect(canonicalIp(input)).to.equal(want));

  it('builds and reads IPv4 reverse names', () => {
    expect(reverseName('10.96.0.10')).to.equal('10.0.96.10.in-addr.arpa.');
    expect(ipFromReverseName('10.0.96.10.in-addr.arpa.')).to.equal('10.96.0.10');
    expect(ipFromReverseName('0.96.10.in-addr.arpa.')).to.equal(null);
    expect(ipFromReverseName('010.0.96.10.in-addr.arpa.')).to.equal(null);
  });

  it('builds and reads IPv6 nibble names', () => {
    const name = reverseName('fd00:10:96::a')!;
    expect(name).to.equal('a.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.6.9.0.0.0.1.0.0.0.0.d.f.ip6.arpa.');
    expect(ipFromReverseName(name)).to.equal('fd00:10:96::a');
  });
});
