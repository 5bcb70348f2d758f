// acl in a real kdns process: the four actions as clients see them, over UDP and
// TCP, from 127.0.0.1 and ::1; dropped queries leave a TCP connection usable.

import { expect } from 'chai';
import { Rcode, Type } from '../../../src/dns/constants.js';
import { decodeMessage } from '../../../src/dns/decode.js';
import { buildQuery } from '../../../src/dns/query.js';
import { dig, frame, query, rawTcp, rawUdp } from '../../support/dns.js';
import { startKdns, type KdnsProcess } from '../../support/kdns.js';

const COREFILE = `example.org {
  acl {
    block type AAAA net 127.0.0.1
    filter type TXT
    drop type MX
    allow net ::1
    block net 127.0.0.0/8
  }
  whoami
}
`;

describe('acl end to end (kdns process)', function () {
  this.timeout(20_000);
  let kdns: KdnsProcess;

  before(async () => {
    kdns = await startKdns(COREFILE, { probe: 'example.org.' });
  });

  after(async () => {
    await kdns?.stop();
  });

  for (const tcp of [false, true]) {
    const proto = tcp ? 'tcp' : 'udp';
    it(`example.org. AAAA from 127.0.0.1 over ${proto}: REFUSED`, async () => {
      expect((await query(kdns.port, 'example.org.', 'AAAA', { tcp })).rcode).to.equal(Rcode.REFUSED);
    });

    it(`example.org. A from 127.0.0.1 over ${proto}: REFUSED by the last policy`, async () => {
      expect((await query(kdns.port, 'example.org.', 'A', { tcp })).rcode).to.equal(Rcode.REFUSED);
    });

    it(`example.org. A from ::1 over ${proto}: allowed, answered by whoami`, async () => {
      const msg = await query(kdns.port, 'example.org.', 'A', { tcp, host: '::1' });
      expect(msg.rcode).to.equal(Rcode.NOERROR);
      expect(msg.additional.map((r) => r.type)).to.include(Type.AAAA);
    });

    it(`example.org. TXT over ${proto}: filtered, an empty NOERROR`, async () => {
      const msg = await query(kdns.port, 'example.org.', 'TXT', { tcp, host: '::1' });
      expect(msg.rcode).to.equal(Rcode.NOERROR);
      expect(msg.answer.length + msg.authority.length + msg.additional.length).to.equal(0);
    });
  }

  it('example.org. MX over UDP: dropped, no reply at all', async () => {
    expect(await rawUdp(kdns.port, buildQuery('example.org.', Type.MX, { id: 7 }), { timeoutMs: 1000 })).to.equal(null);
  });

  it('example.org. MX over TCP: dropped, and the connection still answers past the in-flight cap', async () => {
    // 100 drops exceed the 64 queries a connection may have in flight: each must count as done.
    const drops = Array.from({ length: 100 }, (_, i) => frame(buildQuery('example.org.', Type.MX, { id: i })));
    const last = frame(buildQuery('example.org.', Type.TXT, { id: 4242 }));
    const out = await rawTcp(kdns.port, [...drops, last], 1, { timeoutMs: 5000 });
    expect(out.replies.map((r) => decodeMessage(r).id)).to.deep.equal([4242]);
  });

  it('dig sees a filtered answer and a refusal', async () => {
    expect(await dig(kdns.port, ['example.org', 'TXT'])).to.match(/status: NOERROR/);
    expect(await dig(kdns.port, ['example.org', 'A'])).to.match(/status: REFUSED/);
  });
});
