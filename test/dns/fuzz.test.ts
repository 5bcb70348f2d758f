// Property fuzzing of the wire codec (fast-check): whatever bytes arrive, parsing
// never throws (parseQuery) or throws only WireError (decodeMessage, readName,
// relayed replies); whatever a plugin builds, the encoder round-trips it.

import { expect } from 'chai';
import fc from 'fast-check';
import { HEADER_SIZE, Rcode } from '../../src/dns/constants.js';
import { decodeMessage } from '../../src/dns/decode.js';
import { encodeResponse, fitUdp, udpLimit } from '../../src/dns/encode.js';
import { parseQuery, Rejected, Response } from '../../src/dns/message.js';
import { labelBytes, Reader, readName } from '../../src/dns/names.js';
import { buildQuery, INTERNAL_TRANSPORT, makeRequest } from '../../src/dns/query.js';
import type { Rec } from '../../src/dns/records.js';
import { WireError } from '../../src/errors.js';
import {
  buildResponse, exchangeArb, fuzzCount, nameFromLabels, packetArb, queryRequest, type QuerySpec,
} from '../support/fuzz.js';

const RUNS = fuzzCount(3000);
const params = { numRuns: RUNS, ...(process.env.KDNS_FUZZ_SEED ? { seed: Number(process.env.KDNS_FUZZ_SEED) } : {}) };

/** Runs `f`; anything it throws must be a WireError. Returns whether it returned. */
function onlyWireError(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
    return false;
  }
}

/** Names compare case-insensitively (the encoder compresses owners into the question, echoing its case). */
function lowerNames(r: Rec): Rec {
  const out: Record<string, unknown> = { ...r, name: r.name.toLowerCase() };
  for (const k of ['target', 'mname', 'rname'] as const) if (k in r) out[k] = (r as unknown as Record<string, string>)[k]!.toLowerCase();
  return out as unknown as Rec;
}

function sameSections(got: { answer: Rec[]; authority: Rec[]; additional: Rec[] }, want: Response): void {
  expect(got.answer.map(lowerNames)).to.deep.equal(want.answer.map(lowerNames));
  expect(got.authority.map(lowerNames)).to.deep.equal(want.authority.map(lowerNames));
  expect(got.additional.map(lowerNames)).to.deep.equal(want.additional.map(lowerNames));
}

describe('fuzz: wire codec', function () {
  this.timeout(Math.max(60_000, RUNS * 20));

  it(`parseQuery never throws and reads back what it accepts (${RUNS} packets)`, () => {
    fc.assert(fc.property(packetArb, (pkt) => {
      const r = parseQuery(pkt, INTERNAL_TRANSPORT);
      if (r instanceof Rejected) {
        if (r.reply === null) return;
        expect(r.reply.length).to.equal(HEADER_SIZE);
        expect(r.reply.readUInt16BE(0)).to.equal(pkt.readUInt16BE(0));
        expect(r.reply[2]! & 0x80).to.equal(0x80);
        expect([Rcode.FORMERR, Rcode.NOTIMP]).to.include(r.reply[3]! & 0xf);
        return;
      }
      expect(r.questionEnd).to.be.at.most(pkt.length);
      expect(r.lname).to.equal(r.qname.toLowerCase());
      // The presentation name is faithful: written back, it gives the same question bytes.
      const again = buildQuery(r.qname, r.qtype, { qclass: r.qclass });
      expect(again.subarray(HEADER_SIZE, again.length)).to.deep.equal(pkt.subarray(HEADER_SIZE, r.questionEnd));
    }), params);
  });

  it(`decodeMessage throws nothing but WireError (${RUNS} packets)`, () => {
    fc.assert(fc.property(packetArb, (pkt) => { onlyWireError(() => decodeMessage(pkt)); }), params);
  });

  it(`readName throws nothing but WireError and returns only names within the limits (${RUNS} reads)`, () => {
    fc.assert(fc.property(packetArb, fc.nat(), (pkt, start) => {
      let name = '';
      if (!onlyWireError(() => { name = readName(new Reader(pkt, start % (pkt.length + 1))); })) return;
      // labelBytes throws on a label over 63 or a name over 255 bytes.
      expect(nameFromLabels(labelBytes(name))).to.equal(name);
    }), params);
  });

  // The dispatcher answers SERVFAIL when encoding throws, so WireError is allowed at each step.
  it(`a relayed reply of any bytes is refused with WireError or relayed with the client's ID (${RUNS} packets)`, () => {
    const req = makeRequest('relay.example.', 1, { id: 0xbeef });
    fc.assert(fc.property(packetArb, (pkt) => {
      let relayed: Response | undefined;
      if (!onlyWireError(() => { relayed = Response.relay(pkt); })) return;
      let out: Buffer = Buffer.alloc(0);
      if (onlyWireError(() => { out = encodeResponse(relayed!, req); })) {
        expect(out.readUInt16BE(0)).to.equal(0xbeef);
        expect(out.length).to.equal(pkt.length);
      }
      onlyWireError(() => relayed!.clone());
    }), params);
  });

  it(`random responses round-trip through the encoder, memo and UDP fit (${RUNS} exchanges)`, () => {
    fc.assert(fc.property(exchangeArb, ({ q, resp: spec }) => {
      const req = queryRequest(q);
      const resp = buildResponse(spec);
      const wire = encodeResponse(resp, req);
      const msg = decodeMessage(wire);
      expect(msg.id).to.equal(q.id);
      expect(msg.qr).to.equal(true);
      expect(msg.rd).to.equal(q.rd);
      expect(msg.aa).to.equal(spec.authoritative);
      expect(msg.ra).to.equal(spec.recursionAvailable);
      expect(msg.rcode).to.equal(spec.rcode);
      expect(wire.subarray(HEADER_SIZE, req.questionEnd)).to.deep.equal(req.raw.subarray(HEADER_SIZE, req.questionEnd));
      expect(msg.edns !== null).to.equal(q.edns !== null);
      sameSections(msg, resp);

      // The memoised body serves another ID and letter case of the same name.
      const other: QuerySpec = { ...q, id: (q.id + 1) & 0xffff, name: q.name.toUpperCase() };
      const again = decodeMessage(encodeResponse(resp, queryRequest(other)));
      expect(again.id).to.equal(other.id);
      expect(again.question[0]!.name).to.equal(readName(new Reader(queryRequest(other).raw, HEADER_SIZE)));
      sameSections(again, resp);

      const udp = fitUdp(wire, req);
      expect(udp.length).to.be.at.most(udpLimit(req));
      if (udp !== wire) {
        const tc = decodeMessage(udp);
        expect(tc.tc).to.equal(true);
        expect(tc.rcode).to.equal(spec.rcode);
        expect(tc.answer.length + tc.authority.length + tc.additional.length).to.equal(0);
      }
    }), params);
  });
});
