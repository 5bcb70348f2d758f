// Fuzzing a running kdns over the wire: packets from test/support/fuzz.ts sent
// over UDP and TCP, every reply checked against what parseQuery (the oracle) says
// the server must do with that packet: answer a query with its ID and question,
// reject with a header-only FORMERR/NOTIMP, or stay silent.

import { expect } from 'chai';
import { createSocket, type Socket } from 'node:dgram';
import { connect } from 'node:net';
import fc from 'fast-check';
import { HEADER_SIZE } from '../../src/dns/constants.js';
import { decodeMessage } from '../../src/dns/decode.js';
import { udpLimit } from '../../src/dns/encode.js';
import { parseQuery, Rejected, type Request } from '../../src/dns/message.js';
import { INTERNAL_TRANSPORT } from '../../src/dns/query.js';
import { frame, rawTcp } from './dns.js';
import { packetArb } from './fuzz.js';

/** The server fuzzed: cluster names from a fixture (FIXTURE_YAML as cluster.yaml), and acl, any and whoami. */
export const FUZZ_COREFILE = `cluster.local in-addr.arpa ip6.arpa {
  kubernetes {
    fixture cluster.yaml
    pods insecure
  }
}
example.org {
  acl {
    block net 192.0.2.0/24
  }
  any
  whoami
}
`;

export interface FuzzStats {
  udpPackets: number;
  tcpFrames: number;
  /** Replies received and checked. */
  replies: number;
  /** Packets the oracle says get no reply (runts, responses). */
  silent: number;
  /** TCP connections fed raw garbage (bad framing included). */
  garbageStreams: number;
}

/** What the server must send back for `pkt`: a query's answer, exactly `reply`, or nothing. */
type Expect = { kind: 'answer'; req: Request } | { kind: 'reject'; reply: Buffer } | { kind: 'silent' };

function expected(pkt: Buffer): Expect {
  const r = parseQuery(pkt, INTERNAL_TRANSPORT);
  if (!(r instanceof Rejected)) return { kind: 'answer', req: r };
  return r.reply ? { kind: 'reject', reply: r.reply } : { kind: 'silent' };
}

function check(pkt: Buffer, want: Expect, reply: Buffer, proto: 'udp' | 'tcp'): void {
  const where = `reply to ${pkt.toString('hex')} over ${proto}`;
  if (want.kind === 'silent') expect.fail(`${where}: the packet deserves no reply`);
  if (want.kind === 'reject') { expect(reply, where).to.deep.equal(want.reply); return; }
  const msg = decodeMessage(reply);
  expect(msg.id, where).to.equal(want.req.id);
  expect(msg.qr, where).to.equal(true);
  expect(reply.subarray(HEADER_SIZE, want.req.questionEnd), where)
    .to.deep.equal(want.req.raw.subarray(HEADER_SIZE, want.req.questionEnd));
  if (proto === 'udp') expect(reply.length, where).to.be.at.most(udpLimit(want.req));
}

/** Gives each packet of a batch a distinct ID, so replies can be matched. */
export function withIds(packets: Buffer[], base: number): Buffer[] {
  return packets.map((p, i) => {
    const b = Buffer.from(p);
    if (b.length >= 2) b.writeUInt16BE((base + i) & 0xffff, 0);
    return b;
  });
}

/** Collects replies by ID until every expected one is in, or `timeoutMs` passes. */
class Pending {
  readonly wants = new Map<number, { pkt: Buffer; want: Expect }>();
  private outstanding = 0;
  private done: (() => void) | undefined;

  constructor(packets: Buffer[], private readonly proto: 'udp' | 'tcp', private readonly stats: FuzzStats) {
    for (const pkt of packets) {
      const want = expected(pkt);
      if (want.kind === 'silent') { stats.silent++; if (pkt.length < 2) continue; }
      else this.outstanding++;
      this.wants.set(pkt.readUInt16BE(0), { pkt, want });
    }
  }

  onReply(reply: Buffer): void {
    expect(reply.length, `a ${this.proto} reply shorter than a header`).to.be.at.least(HEADER_SIZE);
    const id = reply.readUInt16BE(0);
    const w = this.wants.get(id);
    if (!w) expect.fail(`a ${this.proto} reply with an ID nobody asked for: ${reply.toString('hex')}`);
    this.wants.delete(id);
    check(w.pkt, w.want, reply, this.proto);
    this.stats.replies++;
    if (--this.outstanding === 0) this.done?.();
  }

  async wait(timeoutMs: number): Promise<void> {
    if (this.outstanding > 0) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => { this.done = resolve; timer = setTimeout(resolve, timeoutMs); });
      clearTimeout(timer);
    }
    const missing = [...this.wants.values()].filter((w) => w.want.kind !== 'silent');
    expect(missing.map((w) => w.pkt.toString('hex')), `${this.proto} packets left unanswered`).to.deep.equal([]);
  }
}

export function newStats(): FuzzStats {
  return { udpPackets: 0, tcpFrames: 0, replies: 0, silent: 0, garbageStreams: 0 };
}

/** Sends `packets` (each with a distinct ID) from `sock` and checks every reply against the oracle. */
export async function udpBatch(sock: Socket, port: number, packets: Buffer[], stats: FuzzStats): Promise<void> {
  const pending = new Pending(packets, 'udp', stats);
  let failure: unknown;
  const onMessage = (m: Buffer): void => { try { pending.onReply(m); } catch (err) { failure ??= err; } };
  sock.on('message', onMessage);
  try {
    for (const p of packets) sock.send(p, port, '127.0.0.1');
    stats.udpPackets += packets.length;
    await pending.wait(10_000);
    if (failure) throw failure;
  } finally {
    sock.off('message', onMessage);
  }
}

/** One connection carrying a batch of frames; kdns must keep it open and answer each query on it. */
async function tcpBatch(port: number, packets: Buffer[], stats: FuzzStats): Promise<void> {
  const framed = packets.filter((p) => p.length > 0); // a zero length frame closes the connection by design
  const pending = new Pending(framed, 'tcp', stats);
  const out = await rawTcp(port, framed.map(frame), framed.filter((p) => expected(p).kind !== 'silent').length, { timeoutMs: 10_000 });
  for (const r of out.replies) pending.onReply(r);
  stats.tcpFrames += framed.length;
  await pending.wait(0);
}

/** Raw bytes on a connection (random framing included), then a half-close: only survival counts. */
function garbageStream(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => s.end(bytes));
    s.setTimeout(10_000, () => s.destroy());
    s.on('data', () => undefined);
    s.on('error', () => undefined);
    s.on('close', () => resolve());
  });
}

export interface FuzzOptions {
  count: number;
  seed: number;
  batch?: number;
  /** Called after every batch: the server must still answer valid queries. */
  alive: () => Promise<void>;
}

/**
 * Sends `count` fuzzed packets (three quarters over UDP, the rest over TCP) and
 * `count / 100` garbage streams. Batches stay small so that a burst fits a socket's
 * receive buffer (212 KB by default): a datagram the kernel drops there is no fault of kdns.
 */
export async function fuzzServer(port: number, opts: FuzzOptions): Promise<FuzzStats> {
  const stats = newStats();
  const size = opts.batch ?? 32;
  const packets = fc.sample(packetArb, { numRuns: opts.count, seed: opts.seed });
  const garbage = fc.sample(fc.uint8Array({ maxLength: 2000 }), { numRuns: Math.ceil(opts.count / 100), seed: opts.seed });
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  try {
    for (let i = 0, n = 0; i < packets.length; i += size, n++) {
      const batch = withIds(packets.slice(i, i + size), i);
      if (n % 4 === 3) await tcpBatch(port, batch, stats);
      else await udpBatch(sock, port, batch, stats);
      const g = garbage[n];
      if (g) { await garbageStream(port, Buffer.from(g)); stats.garbageStreams++; }
      await opts.alive();
    }
  } finally {
    sock.close();
  }
  return stats;
}
