import { expect } from 'chai';
import { Class, Type } from '../../../src/dns/constants.js';
import { decodeMessage } from '../../../src/dns/decode.js';
import { encodeResponse } from '../../../src/dns/encode.js';
import { Response } from '../../../src/dns/message.js';
import { makeRequest } from '../../../src/dns/query.js';
import { Any } from '../../../src/plugins/any/any.js';
import { parse } from '../../../src/plugins/any/setup.js';
import { answering, testCtx } from '../../support/chain.js';
import { caseName, checkCase, type Case } from '../../support/cases.js';
import { qtypeOf } from '../../support/dns.js';
import { line } from '../../support/lines.js';
import { expectSetupError } from '../../support/setup.js';

const HINFO = '\\# 9 075246433834383200'; // "RFC8482" ""

/** What `next` answers: anything but ANY gets here. */
const NEXT = new Response();
NEXT.answer = [{ name: 'example.org.', ttl: 5, type: Type.A, address: '10.0.0.1' }];

const cases: (Case & { qclass?: number })[] = [
  { qname: 'example.org.', qtype: 'ANY', answer: [`example.org. 8482 IN HINFO ${HINFO}`], aa: false },
  { qname: 'Svc.Default.svc.Cluster.Local.', qtype: 'ANY', answer: [`Svc.Default.svc.Cluster.Local. 8482 IN HINFO ${HINFO}`] },
  { qname: 'example.org.', qtype: 'ANY', qclass: Class.CH, answer: [`example.org. 8482 CH HINFO ${HINFO}`] },
  { qname: 'example.org.', qtype: 'A', answer: ['example.org. 5 IN A 10.0.0.1'] },
  { qname: 'example.org.', qtype: 'HINFO', answer: ['example.org. 5 IN A 10.0.0.1'] },
];

describe('any', () => {
  const any = new Any();
  for (const c of cases) {
    it(caseName(c), async () => {
      const req = makeRequest(c.qname, qtypeOf(c.qtype), { qclass: c.qclass ?? Class.IN });
      const wire = encodeResponse(await any.serve(testCtx, req, answering(NEXT)), req);
      checkCase(decodeMessage(wire), c);
      // RFC 8482: the answer stays small, whatever the name holds.
      if (c.qtype === 'ANY') expect(wire.length).to.equal(req.raw.length + 21);
    });
  }

  it('"any" sets up; arguments or a block are errors', () => {
    expect(() => parse(line('any'))).to.not.throw();
    expectSetupError(() => parse(line('any example.org')), 1, 'plugin/any: any takes 0 arguments, got 1');
    expectSetupError(() => parse(line('any {\n  x\n}')), 1, 'plugin/any: any takes no block');
  });
});
