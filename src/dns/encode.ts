// Response encoding. A Response is encoded once per (question name, type) into a
// body with a zero ID; each query then costs a copy and three patches: ID and
// flags, the question bytes (so the query's case is echoed, including in owner
// names, which point at the question), and the OPT record when EDNS is on.

import { HEADER_SIZE, MAX_UDP_PAYLOAD, MIN_UDP_PAYLOAD, Rcode, Type } from './constants.js';
import { ipv4Into, ipv6Bytes } from './ip.js';
import type { Request } from './message.js';
import { findOpt, findQuestionEnd, Response } from './message.js';
import { labelBytes, MAX_LABEL, MAX_NAME_WIRE, suffixes } from './names.js';
import type { A, AAAA, NameRecord, Opaque, Rec, SOA, SRV, TXT } from './records.js';
import { WireError } from '../errors.js';

const QR = 0x8000, AA = 0x0400, TC = 0x0200, RD = 0x0100, RA = 0x0080, CD = 0x0010;
const OPT_SIZE = 11;
const MAX_MESSAGE = 65535;

const scratch = Buffer.allocUnsafe(MAX_MESSAGE);

class Writer {
  pos = 0;
  readonly names = new Map<string, number>();
  constructor(readonly buf: Buffer) {}
  u16(v: number): void {
    this.need(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }
  u32(v: number): void {
    this.need(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }
  bytes(b: Uint8Array): void {
    this.need(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  need(n: number): void {
    if (this.pos + n > this.buf.length) throw new WireError('response larger than 65535 bytes');
  }
  /** Writes a name, compressing against earlier names when `compress` (RFC 1035 4.1.4). */
  name(name: string, compress: boolean): void {
    if (!isPlainName(name)) { this.escapedName(name, compress); return; }
    const key = name.toLowerCase();
    for (let start = 0; start < name.length && name !== '.';) {
      const suffix = start === 0 ? key : key.slice(start);
      const seen = this.names.get(suffix);
      if (seen !== undefined && compress) {
        this.u16(0xc000 | seen);
        return;
      }
      if (seen === undefined && this.pos < 0x4000) this.names.set(suffix, this.pos);
      let end = name.indexOf('.', start);
      if (end < 0) end = name.length;
      this.need(end - start + 1);
      this.buf[this.pos++] = end - start;
      for (let i = start; i < end; i++) this.buf[this.pos++] = name.charCodeAt(i);
      start = end + 1;
    }
    this.need(1);
    this.buf[this.pos++] = 0;
  }

  /** Any other name (escapes such as \\. or \\DDD, other characters): through labelBytes. */
  private escapedName(name: string, compress: boolean): void {
    const labels = labelBytes(name);
    const keys = suffixes(name.toLowerCase());
    for (let i = 0; i < labels.length; i++) {
      const seen = this.names.get(keys[i]!);
      if (seen !== undefined && compress) {
        this.u16(0xc000 | seen);
        return;
      }
      if (seen === undefined && this.pos < 0x4000) this.names.set(keys[i]!, this.pos);
      const l = labels[i]!;
      this.need(l.length + 1);
      this.buf[this.pos++] = l.length;
      this.bytes(l);
    }
    this.need(1);
    this.buf[this.pos++] = 0;
  }
}

/**
 * True for a name of printable ASCII without escapes, where each character is one
 * byte and lower-casing keeps every position (so suffix keys line up with labels);
 * false sends the name to labelBytes. Throws what labelBytes would for such a name:
 * an empty label, a label over 63 bytes, a name over 255 bytes.
 */
function isPlainName(name: string): boolean {
  if (name === '.' || name === '') return true;
  const fqdn = name.endsWith('.');
  let start = 0;
  for (let i = 0; i <= name.length; i++) {
    const c = i < name.length ? name.charCodeAt(i) : 0x2e;
    if (c < 0x21 || c > 0x7e || c === 0x5c) return false;
    if (i < name.length && c !== 0x2e) continue;
    if (i === name.length && fqdn) break;
    if (i === start) throw new WireError(`empty label in name ${JSON.stringify(name)}`);
    if (i - start > MAX_LABEL) throw new WireError(`label longer than 63 bytes in ${JSON.stringify(name)}`);
    start = i + 1;
  }
  if (name.length + (fqdn ? 1 : 2) > MAX_NAME_WIRE) throw new WireError(`name longer than 255 bytes: ${JSON.stringify(name)}`);
  return true;
}

function writeRecord(w: Writer, r: Rec): void {
  w.name(r.name, true);
  w.u16(r.type);
  w.u16(r.class ?? 1);
  w.u32(r.ttl);
  const lenAt = w.pos;
  w.u16(0);
  switch (r.type) {
    case Type.A: {
      const addr = (r as A).address;
      w.need(4);
      if (!ipv4Into(addr, w.buf, w.pos)) throw new WireError(`bad address ${addr} in ${r.name}`);
      w.pos += 4;
      break;
    }
    case Type.AAAA: {
      const addr = (r as AAAA).address;
      const b = ipv6Bytes(addr);
      if (!b) throw new WireError(`bad address ${addr} in ${r.name}`);
      w.bytes(b);
      break;
    }
    case Type.CNAME: case Type.NS: case Type.PTR: w.name((r as NameRecord).target, true); break;
    case Type.SRV: {
      const s = r as SRV;
      w.u16(s.priority); w.u16(s.weight); w.u16(s.port);
      w.name(s.target, false); // RFC 2782: the target is not compressed
      break;
    }
    case Type.TXT:
      for (const t of (r as TXT).text) {
        const b = Buffer.from(t, 'latin1');
        for (let i = 0; i < b.length || i === 0; i += 255) {
          const chunk = b.subarray(i, i + 255);
          w.need(1);
          w.buf[w.pos++] = chunk.length;
          w.bytes(chunk);
        }
      }
      break;
    case Type.SOA: {
      const s = r as SOA;
      w.name(s.mname, true); w.name(s.rname, true);
      w.u32(s.serial); w.u32(s.refresh); w.u32(s.retry); w.u32(s.expire); w.u32(s.minimum);
      break;
    }
    default: w.bytes((r as Opaque).data);
  }
  w.buf.writeUInt16BE(w.pos - lenAt - 2, lenAt);
}

/** Header, question and sections, without OPT; the ID is zero and the flags are patched later. */
function encodeBody(resp: Response, req: Request): Buffer {
  const w = new Writer(scratch);
  w.u16(0); w.u16(0);
  w.u16(1); w.u16(resp.answer.length); w.u16(resp.authority.length); w.u16(resp.additional.length);
  // The question: copied from the query, and its suffixes seeded for compression.
  const keys = suffixes(req.lname);
  let p = HEADER_SIZE;
  for (const key of keys) {
    w.names.set(key, p);
    p += req.raw[p]! + 1;
  }
  w.bytes(req.raw.subarray(HEADER_SIZE, req.questionEnd));
  for (const r of resp.answer) writeRecord(w, r);
  for (const r of resp.authority) writeRecord(w, r);
  for (const r of resp.additional) writeRecord(w, r);
  return Buffer.from(scratch.subarray(0, w.pos));
}

function responseFlags(resp: Response, req: Request, rcode: number): number {
  return QR | (req.opcode << 11) | (resp.authoritative ? AA : 0) | (req.rd ? RD : 0)
    | (resp.recursionAvailable ? RA : 0) | (req.cd ? CD : 0) | (rcode & 0xf);
}

/** RFC 6891 6.1.2: our OPT, with our payload size, the upper rcode bits and the client's DO bit. */
function writeOpt(out: Buffer, at: number, req: Request, rcode: number): void {
  out[at] = 0;
  out.writeUInt16BE(Type.OPT, at + 1);
  out.writeUInt16BE(MAX_UDP_PAYLOAD, at + 3);
  out.writeUInt32BE((((rcode >> 4) & 0xff) << 24 | (req.edns!.dnssecOk ? 0x8000 : 0)) >>> 0, at + 5);
  out.writeUInt16BE(0, at + 9);
}

/** The full wire answer to `req`. */
export function encodeResponse(resp: Response, req: Request): Buffer {
  if (resp.relayed !== undefined) return encodeRelayed(resp.relayed, req);
  let body = resp.wire;
  if (body === undefined || resp.wireType !== req.qtype || resp.wireName !== req.lname) {
    body = encodeBody(resp, req);
    resp.wire = body;
    resp.wireName = req.lname;
    resp.wireType = req.qtype;
  }
  const opt = req.edns ? OPT_SIZE : 0;
  const out = Buffer.allocUnsafe(body.length + opt);
  // TypedArray.set and a byte loop: Buffer.copy makes a view per call, a cost at this size.
  out.set(body, 0);
  out.writeUInt16BE(req.id, 0);
  out.writeUInt16BE(responseFlags(resp, req, resp.rcode), 2);
  copyQuestion(req, out);
  if (opt) {
    writeOpt(out, body.length, req, resp.rcode);
    out.writeUInt16BE(resp.additional.length + 1, 10);
  }
  return out;
}

/** The query's question bytes over the answer's (the same name in the client's case). */
function copyQuestion(req: Request, out: Buffer): void {
  const raw = req.raw;
  for (let i = HEADER_SIZE; i < req.questionEnd; i++) out[i] = raw[i]!;
}

/**
 * An upstream's reply as it is, with the client's ID. Its question is the one
 * relayed; when it has the client's question's length it is the same name, so
 * the client's bytes go in (echoing the case, also for a cached reply).
 */
function encodeRelayed(wire: Buffer, req: Request): Buffer {
  const out = Buffer.allocUnsafe(wire.length);
  out.set(wire, 0);
  out.writeUInt16BE(req.id, 0);
  if (findQuestionEnd(wire) === req.questionEnd) copyQuestion(req, out);
  return out;
}

/** An answer with no records: the question, the rcode and (with EDNS) OPT. */
export function encodeEmpty(req: Request, rcode: number, flags = responseFlags(new Response(), req, rcode)): Buffer {
  const opt = req.edns ? OPT_SIZE : 0;
  const qEnd = req.questionEnd;
  const out = Buffer.alloc(qEnd + opt);
  out.writeUInt16BE(req.id, 0);
  out.writeUInt16BE(flags, 2);
  out.writeUInt16BE(1, 4);
  req.raw.copy(out, HEADER_SIZE, HEADER_SIZE, qEnd);
  if (opt) {
    writeOpt(out, qEnd, req, rcode);
    out.writeUInt16BE(1, 10);
  }
  return out;
}

/** The UDP payload limit for this query: 512 without EDNS, else the client's size capped at 1232. */
export function udpLimit(req: Request): number {
  if (!req.edns) return MIN_UDP_PAYLOAD;
  return Math.min(Math.max(req.edns.udpSize, MIN_UDP_PAYLOAD), MAX_UDP_PAYLOAD);
}

/** The answer to send over UDP: as is if it fits, else TC=1 with the question only (RFC 2181 9). */
export function fitUdp(wire: Buffer, req: Request): Buffer {
  if (wire.length <= udpLimit(req)) return wire;
  const flags = wire.readUInt16BE(2);
  // The OPT record is last in our own encodings, not necessarily in relayed ones.
  const opt = req.edns ? findOpt(wire) : -1;
  const rcode = (flags & 0xf) | (opt >= 0 ? wire[opt + 5]! << 4 : 0);
  return encodeEmpty(req, rcode, flags | TC);
}

/** BADVERS (RFC 6891 6.1.3): the query's EDNS version is one kdns does not speak. */
export function encodeBadVersion(req: Request): Buffer {
  return encodeEmpty(req, Rcode.BADVERS);
}
