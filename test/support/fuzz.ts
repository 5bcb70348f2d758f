// Generators for fuzzing the wire codec and the server (fast-check): valid queries,
// whole messages with random sections, and mutations of both (truncations, bit
// flips, pointer loops, bad counts, oversized names, spliced bytes).

import fc from 'fast-check';
import { HEADER_SIZE, Type } from '../../src/dns/constants.js';
import { encodeResponse } from '../../src/dns/encode.js';
import { ipText } from '../../src/dns/ip.js';
import { Response, type Request } from '../../src/dns/message.js';
import { Reader, readName } from '../../src/dns/names.js';
import { buildQuery, makeRequest } from '../../src/dns/query.js';
import type { Rec } from '../../src/dns/records.js';

/** Names the fuzzed server serves (kubernetes, whoami) or refuses, so that mutations start from real answers. */
export const SERVED_NAMES = [
  '.', 'cluster.local.', 'kubernetes.default.svc.cluster.local.', 'svc1.testns.svc.cluster.local.',
  '_http._tcp.svc1.testns.svc.cluster.local.', 'hdls1.testns.svc.cluster.local.', 'ep1a.svc1.testns.svc.cluster.local.',
  '10-244-1-20.default.pod.cluster.local.', '1.0.96.10.in-addr.arpa.', 'dns-version.cluster.local.',
  'example.org.', 'a.b.example.org.', 'other.net.',
];

/** Label bytes -> the canonical presentation name, through the wire reader (one escaping routine). */
export function nameFromLabels(labels: readonly Uint8Array[]): string {
  const wire = Buffer.concat([...labels.flatMap((l) => [Buffer.from([l.length]), Buffer.from(l)]), Buffer.from([0])]);
  return readName(new Reader(wire));
}

function wireLength(labels: readonly Uint8Array[]): number {
  return labels.reduce((n, l) => n + l.length + 1, 1);
}

const hostLabel = fc.stringMatching(/^[A-Za-z0-9_-]{1,20}$/).map((s) => Buffer.from(s, 'latin1'));
const byteLabel = fc.uint8Array({ minLength: 1, maxLength: 63 });

/** A served name in random letter case, or a random name (any bytes) of at most 255 wire bytes. */
export const nameArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom(...SERVED_NAMES), fc.integer()).map(([n, bits]) =>
    [...n].map((c, i) => ((bits >> (i % 31)) & 1 ? c.toUpperCase() : c)).join('')),
  fc.array(fc.oneof(hostLabel, byteLabel), { maxLength: 6 }).filter((ls) => wireLength(ls) <= 255).map(nameFromLabels),
);

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const COMMON_TYPES = [Type.A, Type.AAAA, Type.SRV, Type.PTR, Type.CNAME, Type.TXT, Type.SOA, Type.NS, Type.ANY,
  Type.AXFR, Type.IXFR, Type.HINFO, Type.MX];
export const qtypeArb = fc.oneof(fc.constantFrom(...COMMON_TYPES), u16);

export interface QuerySpec {
  name: string;
  qtype: number;
  id: number;
  rd: boolean;
  qclass: number;
  edns: { udpSize: number; version: number; dnssecOk: boolean } | null;
}

export const querySpecArb: fc.Arbitrary<QuerySpec> = fc.record({
  name: nameArb,
  qtype: qtypeArb,
  id: u16,
  rd: fc.boolean(),
  qclass: fc.oneof(fc.constant(1), u16),
  edns: fc.option(fc.record({
    udpSize: fc.oneof(fc.constantFrom(512, 1232, 4096), u16),
    version: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 255 })),
    dnssecOk: fc.boolean(),
  })),
});

export function queryWire(q: QuerySpec): Buffer {
  const edns = q.edns ? { udpSize: q.edns.udpSize, ednsVersion: q.edns.version, dnssecOk: q.edns.dnssecOk } : {};
  return buildQuery(q.name, q.qtype, { id: q.id, rd: q.rd, qclass: q.qclass, ...edns });
}

export function queryRequest(q: QuerySpec): Request {
  const edns = q.edns ? { udpSize: q.edns.udpSize, ednsVersion: q.edns.version, dnssecOk: q.edns.dnssecOk } : {};
  return makeRequest(q.name, q.qtype, { id: q.id, rd: q.rd, qclass: q.qclass, ...edns });
}

/**
 * Types with a structured form in records.ts; an Opaque record must not claim one of them (or OPT),
 * nor MX, whose RDATA the decoder reads (its exchange may be compressed, RFC 3597 4).
 */
const STRUCTURED = new Set<number>([Type.A, Type.AAAA, Type.CNAME, Type.NS, Type.PTR, Type.SRV, Type.TXT, Type.SOA, Type.OPT, Type.MX]);

/** A record of any kind kdns encodes, owned by one of `owners` or a random name. */
export function recordArb(owners: readonly string[]): fc.Arbitrary<Rec> {
  const name = owners.length > 0 ? fc.oneof(fc.constantFrom(...owners), nameArb) : nameArb;
  const base = { name, ttl: u32, class: fc.oneof(fc.constant(1), u16) };
  return fc.oneof(
    fc.record({ ...base, type: fc.constant(Type.A), address: fc.uint8Array({ minLength: 4, maxLength: 4 }).map(ipText) }),
    fc.record({ ...base, type: fc.constant(Type.AAAA), address: fc.uint8Array({ minLength: 16, maxLength: 16 }).map(ipText) }),
    fc.record({ ...base, type: fc.constantFrom(Type.CNAME, Type.NS, Type.PTR), target: name }),
    fc.record({ ...base, type: fc.constant(Type.SRV), priority: u16, weight: u16, port: u16, target: name }),
    fc.record({ ...base, type: fc.constant(Type.TXT),
      text: fc.array(fc.uint8Array({ maxLength: 255 }).map((b) => Buffer.from(b).toString('latin1')), { maxLength: 4 }) }),
    fc.record({ ...base, type: fc.constant(Type.SOA), mname: name, rname: name,
      serial: u32, refresh: u32, retry: u32, expire: u32, minimum: u32 }),
    fc.record({ ...base, type: u16.filter((t) => !STRUCTURED.has(t)), data: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) }),
  ) as fc.Arbitrary<Rec>;
}

export interface ResponseSpec {
  rcode: number;
  authoritative: boolean;
  recursionAvailable: boolean;
  answer: Rec[];
  authority: Rec[];
  additional: Rec[];
}

/** A response to `q`: records owned by the question name or others, an rcode the query can carry. */
export function responseSpecArb(q: QuerySpec): fc.Arbitrary<ResponseSpec> {
  const recs = fc.array(recordArb([q.name, `x.${q.name === '.' ? '' : q.name}`]), { maxLength: 5 });
  return fc.record({
    rcode: fc.integer({ min: 0, max: q.edns ? 0xfff : 0xf }),
    authoritative: fc.boolean(),
    recursionAvailable: fc.boolean(),
    answer: recs,
    authority: recs,
    additional: recs,
  });
}

export function buildResponse(s: ResponseSpec): Response {
  const r = new Response(s.rcode);
  r.authoritative = s.authoritative;
  r.recursionAvailable = s.recursionAvailable;
  r.answer = s.answer;
  r.authority = s.authority;
  r.additional = s.additional;
  return r;
}

/** A query and a response to it, the form the encoder round-trip checks. */
export const exchangeArb = querySpecArb.chain((q) => responseSpecArb(q).map((resp) => ({ q, resp })));

/** A whole message with random sections, QR cleared so that it reads as a query. */
export const messageArb: fc.Arbitrary<Buffer> = exchangeArb.map(({ q, resp }) => {
  const wire = encodeResponse(buildResponse(resp), queryRequest(q));
  wire.writeUInt16BE(wire.readUInt16BE(2) & 0x7fff, 2);
  return wire;
});

/** One change to a packet; positions are taken modulo its length. */
export type Mutation =
  | { op: 'truncate'; at: number }
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'pointer'; at: number; target: number }
  | { op: 'count'; section: number; value: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'longName'; labels: number };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('pointer' as const), at: fc.nat(), target: fc.nat() }),
  fc.record({ op: fc.constant('count' as const), section: fc.integer({ min: 0, max: 3 }), value: fc.oneof(fc.integer({ min: 0, max: 3 }), u16) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 32 }) }),
  fc.record({ op: fc.constant('longName' as const), labels: fc.integer({ min: 4, max: 8 }) }),
);

export function mutate(packet: Buffer, m: Mutation): Buffer {
  const b = Buffer.from(packet);
  const at = (n: number, room = 1): number => (b.length >= room ? n % (b.length - room + 1) : -1);
  switch (m.op) {
    case 'truncate': return b.subarray(0, m.at % (b.length + 1));
    case 'flip': { const i = at(m.at); if (i >= 0) b[i]! ^= 1 << m.bit; return b; }
    case 'set': { const i = at(m.at); if (i >= 0) b[i] = m.value; return b; }
    case 'pointer': {
      // Anywhere from the question on; the target may be itself, forward or past the end.
      const i = at(m.at, 2);
      if (i >= HEADER_SIZE) b.writeUInt16BE(0xc000 | (m.target % 0x4000), i);
      return b;
    }
    case 'count': if (b.length >= HEADER_SIZE) b.writeUInt16BE(m.value, 4 + 2 * m.section); return b;
    case 'insert': { const i = m.at % (b.length + 1); return Buffer.concat([b.subarray(0, i), m.bytes, b.subarray(i)]); }
    case 'longName': {
      // A question name of 63-byte labels well past the 255-byte limit, the rest kept.
      const label = Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 0x78)]);
      const head = b.subarray(0, Math.min(HEADER_SIZE, b.length));
      return Buffer.concat([head, ...Array<Buffer>(m.labels).fill(label), Buffer.from([0, 0, 1, 0, 1])]);
    }
  }
}

/** Packets a server may receive: valid queries, random-section messages and raw bytes, mutated or not. */
export const packetArb: fc.Arbitrary<Buffer> = fc.oneof(
  { arbitrary: fc.tuple(querySpecArb.map(queryWire), fc.array(mutationArb, { maxLength: 4 })), weight: 4 },
  { arbitrary: fc.tuple(messageArb, fc.array(mutationArb, { maxLength: 4 })), weight: 2 },
  { arbitrary: fc.tuple(fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b)), fc.constant([] as Mutation[])), weight: 1 },
).map(([packet, ms]) => ms.reduce(mutate, packet));

/**
 * How many cases a fuzz test runs: its bounded CI count, or KDNS_FUZZ_COUNT
 * (`npm run fuzz -- --count N`). KDNS_FUZZ_SEED replays a run.
 */
export function fuzzCount(ciCount: number): number {
  const n = Number(process.env.KDNS_FUZZ_COUNT);
  return Number.isInteger(n) && n > 0 ? n : ciCount;
}

export function fuzzSeed(): number {
  const s = Number(process.env.KDNS_FUZZ_SEED);
  return Number.isInteger(s) ? s : Date.now() ^ (Math.random() * 0x7fffffff);
}
