// Relayed responses (an upstream's reply bytes, as forward returns them): passed
// through with the client's ID, sections decoded only when read, truncated right.

import { expect } from 'chai';
import { Rcode, Type } from '../../src/dns/constants.js';
import { decodeMessage } from '../../src/dns/decode.js';
import { encodeEmpty, encodeResponse, fitUdp } from '../../src/dns/encode.js';
import { findOpt, Response } from '../../src/dns/message.js';
import { makeRequest } from '../../src/dns/query.js';
import { WireError } from '../../src/errors.js';

/** An upstream's reply to `qname`: `n` A records, built by our own encoder with the upstream's ID. */
function upstreamReply(qname: string, n: number, opts: { udpSize?: number; rcode?: number } = {}): Buffer {
  const req = makeRequest(qname, Type.A, { id: 0x5555, ...(opts.udpSize ? { udpSize: opts.udpSize } : {}) });
  const resp = new Response(opts.rcode ?? Rcode.NOERROR);
  resp.recursionAvailable = true;
  for (let i = 0; i < n; i++) resp.answer.push({ name: qname.toLowerCase(), type: Type.A, ttl: 300 + i, address: `192.0.2.${i}` });
  return encodeResponse(resp, req);
}

/** `wire` with one more additional record after the OPT (as a TSIG would be). */
function withRecordAfterOpt(wire: Buffer): Buffer {
  const extra = Buffer.from([0, 0, 99, 0, 1, 0, 0, 0, 0, 0, 2, 0xab, 0xcd]);
  const out = Buffer.concat([wire, extra]);
  out.writeUInt16BE(out.readUInt16BE(10) + 1, 10);
  return out;
}

describe('relayed responses', () => {
  it('reads rcode and flags from the header without decoding the sections', () => {
    const r = Response.relay(upstreamReply('a.example.', 2, { rcode: Rcode.NXDOMAIN }));
    expect(r.rcode).to.equal(Rcode.NXDOMAIN);
    expect(r.recursionAvailable).to.equal(true);
    expect(r.authoritative).to.equal(false);
    expect((r as unknown as { pending: boolean }).pending, 'not decoded yet').to.equal(true);
  });

  it('reads the extended rcode from the OPT record', () => {
    const req = makeRequest('a.example.', Type.A, { udpSize: 1232 });
    expect(Response.relay(encodeEmpty(req, Rcode.BADVERS)).rcode).to.equal(Rcode.BADVERS);
  });

  it('decodes the sections on first read, once', () => {
    const r = Response.relay(upstreamReply('a.example.', 3));
    const answer = r.answer;
    expect(answer.map((x) => x.ttl)).to.deep.equal([300, 301, 302]);
    expect(r.answer).to.equal(answer);
    expect(r.relayed, 'still relayed').to.not.equal(undefined);
    expect(r.relayedMessage()!.ra).to.equal(true);
  });

  it('is sent as received, with the client ID and the client question case', () => {
    const up = upstreamReply('www.example.', 2, { udpSize: 1232 });
    const req = makeRequest('WwW.Example.', Type.A, { id: 0x1234, udpSize: 1232 });
    const out = encodeResponse(Response.relay(up), req);
    expect(out.length).to.equal(up.length);
    expect(out.readUInt16BE(0)).to.equal(0x1234);
    expect(out.subarray(2).equals(Buffer.concat([up.subarray(2, 12), req.raw.subarray(12, req.questionEnd), up.subarray(req.questionEnd)])))
      .to.equal(true);
    const msg = decodeMessage(out);
    expect(msg.question[0]!.name).to.equal('WwW.Example.');
    // Owners compressed against the question echo the case too.
    expect(msg.answer[0]!.name).to.equal('WwW.Example.');
    expect(up.readUInt16BE(0), 'the relayed bytes are not changed').to.equal(0x5555);
  });

  it('becomes a built response when a section is assigned', () => {
    const r = Response.relay(upstreamReply('a.example.', 3));
    r.answer = r.answer.slice(0, 1);
    expect(r.relayed).to.equal(undefined);
    const msg = decodeMessage(encodeResponse(r, makeRequest('a.example.', Type.A)));
    expect(msg.answer).to.have.length(1);
    expect(msg.ra).to.equal(true);
  });

  it('clones into a built copy and leaves the original relayed', () => {
    const r = Response.relay(upstreamReply('a.example.', 2));
    const c = r.clone();
    c.answer.pop();
    expect(c.relayed).to.equal(undefined);
    expect(c.answer).to.have.length(1);
    expect(r.answer).to.have.length(2);
    expect(r.relayed).to.not.equal(undefined);
  });

  it('throws WireError when the sections cannot be decoded', () => {
    // An A record with 3 bytes of RDATA: the records can be skipped, not decoded.
    const wire = upstreamReply('a.example.', 1);
    const bad = Buffer.from(wire.subarray(0, wire.length - 1));
    bad.writeUInt16BE(3, bad.length - 5);
    const r = Response.relay(bad);
    expect(() => r.answer).to.throw(WireError);
  });

  it('rejects bytes whose records cannot even be skipped, or shorter than a header', () => {
    const wire = upstreamReply('a.example.', 1);
    expect(() => Response.relay(wire.subarray(0, wire.length - 2))).to.throw(WireError);
    expect(() => Response.relay(Buffer.alloc(5))).to.throw(WireError);
  });
});

describe('fitUdp on relayed bytes', () => {
  const cases: { name: string; wire: () => Buffer; udpSize?: number; tc: boolean; rcode: number }[] = [
    { name: 'a small answer passes as is', wire: () => upstreamReply('a.example.', 2), tc: false, rcode: Rcode.NOERROR },
    { name: 'over 512 bytes without EDNS is truncated', wire: () => upstreamReply('a.example.', 40), tc: true, rcode: Rcode.NOERROR },
    { name: 'over the client size with EDNS is truncated', wire: () => upstreamReply('a.example.', 90, { udpSize: 1232 }),
      udpSize: 1232, tc: true, rcode: Rcode.NOERROR },
    { name: 'an OPT that is not last still gives the full rcode', udpSize: 1232, tc: true, rcode: Rcode.NXDOMAIN,
      wire: () => withRecordAfterOpt(upstreamReply('a.example.', 90, { udpSize: 1232, rcode: Rcode.NXDOMAIN })) },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const req = makeRequest('a.example.', Type.A, c.udpSize ? { udpSize: c.udpSize } : {});
      const msg = decodeMessage(fitUdp(encodeResponse(Response.relay(c.wire()), req), req));
      expect(msg.tc).to.equal(c.tc);
      expect(msg.rcode).to.equal(c.rcode);
      if (c.tc) expect(msg.answer).to.have.length(0);
    });
  }

  it('finds the OPT record wherever it is in the additional section', () => {
    const wire = upstreamReply('a.example.', 1, { udpSize: 1232 });
    expect(findOpt(wire)).to.equal(wire.length - 11);
    expect(findOpt(withRecordAfterOpt(wire))).to.equal(wire.length - 11);
    expect(findOpt(upstreamReply('a.example.', 1))).to.equal(-1);
  });
});
