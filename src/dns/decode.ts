// Full message decoding, for what must read every section: tests, the cache,
// answers relayed from upstreams. The server's query path uses parseQuery instead.

import { HEADER_SIZE, Type } from './constants.js';
import { labelBytes, Reader, readName } from './names.js';
import { ipText } from './ip.js';
import type { Rec } from './records.js';
import { WireError } from '../errors.js';

export interface Question { name: string; type: number; class: number }

export interface Message {
  id: number;
  qr: boolean; opcode: number; aa: boolean; tc: boolean; rd: boolean; ra: boolean; ad: boolean; cd: boolean;
  /** The full rcode: the header's 4 bits plus the OPT record's upper 8 (RFC 6891). */
  rcode: number;
  question: Question[];
  answer: Rec[];
  authority: Rec[];
  /** The additional section without the OPT record. */
  additional: Rec[];
  edns: { udpSize: number; version: number; dnssecOk: boolean } | null;
}

function uncompressed(name: string): Buffer {
  return Buffer.concat([...labelBytes(name).flatMap((l) => [Buffer.of(l.length), l]), Buffer.of(0)]);
}

function readRdata(r: Reader, name: string, type: number, cls: number, ttl: number, len: number): Rec {
  const end = r.pos + len;
  if (end > r.buf.length) throw new WireError('RDATA runs past the end of the packet');
  let rec: Rec;
  switch (type) {
    case Type.A: case Type.AAAA:
      if (len !== (type === Type.A ? 4 : 16)) throw new WireError(`bad ${type === Type.A ? 'A' : 'AAAA'} length ${len}`);
      rec = { name, type, class: cls, ttl, address: ipText(r.bytes(len)) } as Rec;
      break;
    case Type.CNAME: case Type.NS: case Type.PTR:
      rec = { name, type, class: cls, ttl, target: readName(r) } as Rec;
      break;
    case Type.SRV:
      rec = { name, type, class: cls, ttl, priority: r.u16(), weight: r.u16(), port: r.u16(), target: readName(r) };
      break;
    case Type.TXT: {
      const text: string[] = [];
      while (r.pos < end) text.push(r.bytes(r.u8()).toString('latin1'));
      rec = { name, type, class: cls, ttl, text };
      break;
    }
    case Type.SOA:
      rec = {
        name, type, class: cls, ttl, mname: readName(r), rname: readName(r),
        serial: r.u32(), refresh: r.u32(), retry: r.u32(), expire: r.u32(), minimum: r.u32(),
      };
      break;
    case Type.MX: {
      // RFC 3597 4: the exchange may be compressed against this message; kept
      // uncompressed, so that the RDATA means the same in a message kdns encodes.
      const preference = Buffer.from(r.bytes(2));
      rec = { name, type, class: cls, ttl, data: Buffer.concat([preference, uncompressed(readName(r))]) };
      break;
    }
    default:
      rec = { name, type, class: cls, ttl, data: Buffer.from(r.bytes(len)) };
  }
  if (r.pos !== end) throw new WireError(`RDATA of ${name} has the wrong length`);
  return rec;
}

export function decodeMessage(buf: Buffer): Message {
  if (buf.length < HEADER_SIZE) throw new WireError('shorter than a DNS header');
  const r = new Reader(buf, HEADER_SIZE);
  const flags = buf.readUInt16BE(2);
  const counts = [buf.readUInt16BE(4), buf.readUInt16BE(6), buf.readUInt16BE(8), buf.readUInt16BE(10)] as const;
  const msg: Message = {
    id: buf.readUInt16BE(0),
    qr: (flags & 0x8000) !== 0, opcode: (flags >> 11) & 0xf, aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0, rd: (flags & 0x0100) !== 0, ra: (flags & 0x0080) !== 0,
    ad: (flags & 0x0020) !== 0, cd: (flags & 0x0010) !== 0, rcode: flags & 0xf,
    question: [], answer: [], authority: [], additional: [], edns: null,
  };
  for (let i = 0; i < counts[0]; i++) msg.question.push({ name: readName(r), type: r.u16(), class: r.u16() });
  const sections = [msg.answer, msg.authority, msg.additional];
  for (let s = 0; s < 3; s++) {
    for (let i = 0; i < counts[s + 1]!; i++) {
      const name = readName(r);
      const type = r.u16(), cls = r.u16(), ttl = r.u32(), len = r.u16();
      if (type === Type.OPT && s === 2) {
        msg.rcode |= (ttl >>> 24) << 4;
        msg.edns = { udpSize: cls, version: (ttl >>> 16) & 0xff, dnssecOk: (ttl & 0x8000) !== 0 };
        r.bytes(len);
        continue;
      }
      sections[s]!.push(readRdata(r, name, type, cls, ttl, len));
    }
  }
  return msg;
}
