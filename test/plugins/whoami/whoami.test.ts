import { Class } from '../../../src/dns/constants.js';
import { decodeMessage } from '../../../src/dns/decode.js';
import { encodeResponse } from '../../../src/dns/encode.js';
import type { Transport } from '../../../src/dns/message.js';
import { makeRequest } from '../../../src/dns/query.js';
import { Whoami } from '../../../src/plugins/whoami/whoami.js';
import { failing, testCtx } from '../../support/chain.js';
import { caseName, checkCase, type Case } from '../../support/cases.js';
import { qtypeOf } from '../../support/dns.js';

interface WhoamiCase extends Case {
  transport: Transport;
  qclass?: number;
}

const udp4: Transport = { proto: 'udp', remoteAddress: '10.240.0.1', remotePort: 40212, localPort: 53 };
const tcp6: Transport = { proto: 'tcp', remoteAddress: '2001:db8::1', remotePort: 53000, localPort: 53 };
const mapped: Transport = { proto: 'udp', remoteAddress: '::ffff:192.0.2.7', remotePort: 1234, localPort: 53 };

const cases: WhoamiCase[] = [
  {
    qname: 'example.org.', qtype: 'A', transport: udp4, aa: true,
    extra: ['example.org. 0 IN A 10.240.0.1', '_udp.example.org. 0 IN SRV 0 0 40212 .'],
  },
  {
    // The query's case is echoed in the owner names.
    qname: 'Example.ORG.', qtype: 'AAAA', transport: tcp6, aa: true,
    extra: ['Example.ORG. 0 IN AAAA 2001:db8::1', '_tcp.Example.ORG. 0 IN SRV 0 0 53000 .'],
  },
  {
    // An IPv4 client on a dual-stack socket is an A record; the root's SRV is "_udp.".
    qname: '.', qtype: 'NS', transport: mapped, aa: true,
    extra: ['. 0 IN A 192.0.2.7', '_udp. 0 IN SRV 0 0 1234 .'],
  },
  {
    // Any type, any class: the records carry the query's class.
    qname: 'whoami.example.', qtype: 'TXT', qclass: Class.CH, transport: udp4, aa: true,
    extra: ['whoami.example. 0 CH A 10.240.0.1', '_udp.whoami.example. 0 CH SRV 0 0 40212 .'],
  },
];

describe('whoami', () => {
  const handler = new Whoami();

  for (const c of cases) {
    it(caseName(c), async () => {
      const req = makeRequest(c.qname, qtypeOf(c.qtype), { qclass: c.qclass ?? Class.IN }, c.transport);
      const resp = await handler.serve(testCtx, req, failing(new Error('whoami must not call next')));
      const msg = decodeMessage(encodeResponse(resp, req));
      // Sections compare as text, owner names included: the query's case is checked too.
      checkCase(msg, c);
    });
  }
});
