// The dispatcher takes an answer in either form a handler may give (plugin.ts Answer):
// a Response now (an answer from memory: replied in the same turn), a promise, a
// synchronous throw or a rejection, and replies alike on the wire.

import { expect } from 'chai';
import { Rcode, Type } from '../../src/dns/constants.js';
import { decodeMessage } from '../../src/dns/decode.js';
import { Response, type Transport } from '../../src/dns/message.js';
import { buildQuery } from '../../src/dns/query.js';
import { DnsError, DropError } from '../../src/errors.js';
import { rootLogger } from '../../src/log.js';
import type { Handler } from '../../src/plugins/plugin.js';
import { compose } from '../../src/server/chain.js';
import { Dispatcher, NO_REPLY } from '../../src/server/dispatch.js';

const transport: Transport = { proto: 'udp', remoteAddress: '127.0.0.1', remotePort: 5353, localPort: 53 };

function answered(address: string): Response {
  const resp = new Response();
  resp.authoritative = true;
  resp.answer = [{ name: 'a.example.', ttl: 5, class: 1, type: Type.A, address }];
  return resp;
}

interface Case {
  name: string;
  serve: Handler['serve'];
  /** The rcode replied, or null for no reply at all. */
  rcode: number | null;
  /** Replied before handle() returns. */
  sameTurn: boolean;
  answer?: string;
}

const cases: Case[] = [
  { name: 'a Response, replied in the same turn', serve: () => answered('192.0.2.1'), rcode: Rcode.NOERROR, sameTurn: true, answer: '192.0.2.1' },
  { name: 'a promise of a Response', serve: () => Promise.resolve(answered('192.0.2.2')), rcode: Rcode.NOERROR, sameTurn: false, answer: '192.0.2.2' },
  { name: 'a DnsError thrown', serve: () => { throw new DnsError(Rcode.REFUSED, 'no'); }, rcode: Rcode.REFUSED, sameTurn: true },
  { name: 'a DnsError rejected', serve: () => Promise.reject(new DnsError(Rcode.NXDOMAIN, 'no')), rcode: Rcode.NXDOMAIN, sameTurn: false },
  { name: 'a bug thrown (SERVFAIL)', serve: () => { throw new TypeError('bug'); }, rcode: Rcode.SERVFAIL, sameTurn: true },
  { name: 'a DropError thrown (no reply)', serve: () => { throw new DropError(); }, rcode: null, sameTurn: true },
  { name: 'a DropError rejected (no reply)', serve: () => Promise.reject(new DropError()), rcode: null, sameTurn: false },
  { name: 'the end of the chain (SERVFAIL)', serve: (ctx, req, next) => next(ctx, req), rcode: Rcode.SERVFAIL, sameTurn: true },
];

describe('dispatcher: the forms of an answer', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const d = new Dispatcher('dns://:53', [{ zone: 'example.', chain: compose([{ name: 'test', serve: c.serve }]), plugins: ['test'] }], rootLogger);
      let inTurn: Buffer | undefined;
      const reply = new Promise<Buffer>((resolve) => {
        let returned = false;
        d.handle(buildQuery('a.example.', Type.A, { id: 4242 }), transport, (wire) => {
          if (!returned) inTurn = wire;
          resolve(wire);
        });
        returned = true;
      });
      const wire = await reply;
      expect(inTurn !== undefined, 'replied before handle returned').to.equal(c.sameTurn);
      if (c.rcode === null) {
        expect(wire).to.equal(NO_REPLY);
        return;
      }
      const msg = decodeMessage(wire);
      expect(msg.id).to.equal(4242);
      expect(msg.rcode).to.equal(c.rcode);
      expect(msg.answer.map((r) => (r as { address?: string }).address)).to.deep.equal(c.answer ? [c.answer] : []);
      await d.drain();
    });
  }
});
