// Queries as the server receives them and responses as plugins build them.
// Parsing reads only the header, the question and the OPT record: the hot path
// needs nothing else.

import { HEADER_SIZE, Opcode, Rcode, Type } from './constants.js';
import { decodeMessage, type Message } from './decode.js';
import { Reader, readName, skipName } from './names.js';
import type { Rec } from './records.js';
import { WireError } from '../errors.js';

export type Proto = 'udp' | 'tcp';

export interface Transport {
  readonly proto: Proto;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localPort: number;
}

export interface Edns {
  readonly udpSize: number;
  readonly version: number;
  readonly dnssecOk: boolean;
}

export interface Request {
  readonly id: number;
  readonly opcode: number;
  readonly rd: boolean;
  readonly cd: boolean;
  /** The question name as received, case preserved ("Kubernetes.Default.svc.cluster.local."). */
  readonly qname: string;
  /** The question name in lower case: what lookups use. */
  readonly lname: string;
  readonly qtype: number;
  readonly qclass: number;
  readonly edns: Edns | null;
  /** The query bytes; the question is raw[12..questionEnd). */
  readonly raw: Buffer;
  readonly questionEnd: number;
  readonly transport: Transport;
}

/**
 * What a plugin answers with. A plugin that changes a response it did not build copies it first.
 *
 * Two forms. A built response holds records in `answer`/`authority`/`additional`
 * and is encoded by kdns. A relayed response (Response.relay, made by forward)
 * holds an upstream's reply bytes in `relayed`: encodeResponse sends them as they
 * are, with only the client's ID (and question bytes, for the case) patched in.
 * Reading a section of a relayed response decodes the bytes once, on first use,
 * so a plugin that only passes the answer on pays nothing for it. Assigning a
 * section turns it into a built response (the other sections decoded first);
 * clone() always gives a built copy, so the usual "clone, then change" works on
 * both forms. Decoding bad upstream bytes throws WireError (the chain answers SERVFAIL).
 */
export class Response {
  rcode: number = Rcode.NOERROR;
  authoritative = false;
  recursionAvailable = false;
  private relayedWire: Buffer | undefined;
  /** True while a relayed response's sections are not decoded yet. */
  private pending = false;
  private decodedMsg: Message | undefined;
  private answerRecs: Rec[] = [];
  private authorityRecs: Rec[] = [];
  private additionalRecs: Rec[] = [];
  /**
   * Wire form memo: encoded once for (wireName, wireType), header and question
   * patched per query. Lets a plugin that keeps Response objects answer at the
   * cost of a copy.
   */
  wire: Buffer | undefined;
  wireName: string | undefined;
  wireType = -1;

  constructor(rcode: number = Rcode.NOERROR) {
    this.rcode = rcode;
  }

  /**
   * A response relaying `wire`, an upstream's reply. Reads only the header and
   * finds the OPT record (for the full rcode, RFC 6891 6.1.3); throws WireError
   * when even that fails.
   */
  static relay(wire: Buffer): Response {
    if (wire.length < HEADER_SIZE) throw new WireError('shorter than a DNS header');
    const flags = wire.readUInt16BE(2);
    const opt = findOpt(wire);
    const r = new Response((flags & 0xf) | (opt >= 0 ? wire[opt + 5]! << 4 : 0));
    r.authoritative = (flags & AA) !== 0;
    r.recursionAvailable = (flags & RA) !== 0;
    r.relayedWire = wire;
    r.pending = true;
    return r;
  }

  /** A relayed response's bytes (an upstream's whole reply, any ID); undefined for a built one. */
  get relayed(): Buffer | undefined {
    return this.relayedWire;
  }

  get answer(): Rec[] {
    if (this.pending) this.decode();
    return this.answerRecs;
  }
  set answer(recs: Rec[]) {
    this.build();
    this.answerRecs = recs;
  }
  get authority(): Rec[] {
    if (this.pending) this.decode();
    return this.authorityRecs;
  }
  set authority(recs: Rec[]) {
    this.build();
    this.authorityRecs = recs;
  }
  /** Without the OPT record (the server writes its own for built responses). */
  get additional(): Rec[] {
    if (this.pending) this.decode();
    return this.additionalRecs;
  }
  set additional(recs: Rec[]) {
    this.build();
    this.additionalRecs = recs;
  }

  /** The whole relayed message decoded (flags, question, EDNS), memoised; undefined for a built response. */
  relayedMessage(): Message | undefined {
    if (this.relayedWire === undefined) return undefined;
    this.decodedMsg ??= decodeMessage(this.relayedWire);
    return this.decodedMsg;
  }

  private decode(): void {
    const msg = this.relayedMessage()!;
    this.answerRecs = msg.answer;
    this.authorityRecs = msg.authority;
    this.additionalRecs = msg.additional;
    this.pending = false;
  }

  /** From here on kdns encodes this response from its sections. */
  private build(): void {
    if (this.pending) this.decode();
    this.relayedWire = undefined;
    this.decodedMsg = undefined;
    this.wire = undefined;
  }

  /** A deep-enough copy to change sections and flags without touching the original; always a built response. */
  clone(): Response {
    const r = new Response(this.rcode);
    r.authoritative = this.authoritative;
    r.recursionAvailable = this.recursionAvailable;
    r.answer = this.answer.slice();
    r.authority = this.authority.slice();
    r.additional = this.additional.slice();
    return r;
  }
}

/** Why a packet could not become a Request: the server answers `reply`, or nothing if null. */
export class Rejected {
  constructor(readonly reply: Buffer | null, readonly reason: string) {}
}

const QR = 0x8000;
const AA = 0x0400;
const RD = 0x0100;
const RA = 0x0080;
const CD = 0x0010;

/** A header-only reply (RFC 1035 4.1.1) for queries that cannot be answered further. */
export function headerReply(query: Buffer, rcode: number): Buffer {
  const out = Buffer.alloc(HEADER_SIZE);
  query.copy(out, 0, 0, 2);
  const flags = query.readUInt16BE(2);
  out.writeUInt16BE(QR | (flags & 0x7800) | (flags & RD) | (rcode & 0xf), 2);
  return out;
}

/**
 * Parses a query. Returns a Request, or a Rejected that says what to send back:
 * shorter than a header or QR=1 -> nothing (RFC 1035: never answer a response);
 * opcode other than QUERY -> NOTIMP; QDCOUNT != 1 or an unparsable body -> FORMERR.
 */
export function parseQuery(raw: Buffer, transport: Transport): Request | Rejected {
  if (raw.length < HEADER_SIZE) return new Rejected(null, 'shorter than a DNS header');
  const flags = raw.readUInt16BE(2);
  if (flags & QR) return new Rejected(null, 'a response, not a query');
  const opcode = (flags >> 11) & 0xf;
  if (opcode !== Opcode.QUERY) return new Rejected(headerReply(raw, Rcode.NOTIMP), `opcode ${opcode}`);
  if (raw.readUInt16BE(4) !== 1) return new Rejected(headerReply(raw, Rcode.FORMERR), 'QDCOUNT is not 1');
  const r = new Reader(raw, HEADER_SIZE);
  let qname: string, qtype: number, qclass: number, questionEnd: number;
  let edns: Edns | null = null;
  try {
    qname = readName(r);
    qtype = r.u16();
    qclass = r.u16();
    questionEnd = r.pos;
    edns = readEdns(r, raw.readUInt16BE(6) + raw.readUInt16BE(8), raw.readUInt16BE(10));
  } catch (e) {
    return new Rejected(headerReply(raw, Rcode.FORMERR), (e as Error).message);
  }
  // The question comes first, so a compression pointer in it can only point into
  // the header: garbage. Rejecting it also lets answers echo the question bytes.
  if (hasPointer(raw, HEADER_SIZE)) return new Rejected(headerReply(raw, Rcode.FORMERR), 'compressed question name');
  return {
    id: raw.readUInt16BE(0), opcode, rd: (flags & RD) !== 0, cd: (flags & CD) !== 0,
    qname, lname: qname.toLowerCase(), qtype, qclass, edns, raw, questionEnd, transport,
  };
}

/** Skips answer and authority records and finds the OPT record (RFC 6891 6.1.1: at most one). */
function readEdns(r: Reader, skip: number, arcount: number): Edns | null {
  for (let i = 0; i < skip; i++) skipRecord(r);
  let edns: Edns | null = null;
  for (let i = 0; i < arcount; i++) {
    const nameAt = r.pos;
    skipName(r);
    const type = r.u16();
    if (type !== Type.OPT) { r.pos += 6; r.bytes(r.u16()); continue; }
    if (edns) throw new WireError('more than one OPT record');
    if (r.buf[nameAt] !== 0) throw new WireError('OPT record not owned by the root');
    const udpSize = r.u16();
    const ttl = r.u32();
    r.bytes(r.u16());
    edns = { udpSize, version: (ttl >>> 16) & 0xff, dnssecOk: (ttl & 0x8000) !== 0 };
  }
  return edns;
}

function skipRecord(r: Reader): void {
  skipName(r);
  r.pos += 8;
  r.bytes(r.u16());
}

function hasPointer(buf: Buffer, pos: number): boolean {
  for (let len = buf[pos]!; len !== 0; len = buf[pos]!) {
    if (len & 0xc0) return true;
    pos += len + 1;
  }
  return false;
}

/**
 * The offset of the OPT record in a whole message, or -1 without one. Skips
 * records without decoding them; throws WireError on a malformed message.
 */
export function findOpt(wire: Buffer): number {
  const r = new Reader(wire, HEADER_SIZE);
  for (let i = wire.readUInt16BE(4); i > 0; i--) { skipName(r); r.pos += 4; }
  for (let i = wire.readUInt16BE(6) + wire.readUInt16BE(8); i > 0; i--) skipRecord(r);
  for (let i = wire.readUInt16BE(10); i > 0; i--) {
    const at = r.pos;
    skipName(r);
    if (r.u16() === Type.OPT) return at;
    r.pos += 6;
    r.bytes(r.u16());
  }
  return -1;
}

/** Where the (first) question ends in a whole message, or -1 when there is none. */
export function findQuestionEnd(wire: Buffer): number {
  if (wire.readUInt16BE(4) === 0) return -1;
  const r = new Reader(wire, HEADER_SIZE);
  skipName(r);
  r.bytes(4);
  return r.pos;
}
