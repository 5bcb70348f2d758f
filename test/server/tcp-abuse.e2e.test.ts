// TCP abuse against a real kdns process: slowloris, idle connections, a client that
// never reads, a connection flood past the cap, and a connection with more queries
// in flight than allowed. Each ends with the abuser cut off or held, and other
// clients answered meanwhile. `timeouts` shortens the limits so that this runs in seconds.

import { expect } from 'chai';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { Rcode, Type } from '../../src/dns/constants.js';
import { decodeMessage } from '../../src/dns/decode.js';
import { encodeResponse } from '../../src/dns/encode.js';
import { parseQuery, Rejected, Response } from '../../src/dns/message.js';
import { buildQuery, INTERNAL_TRANSPORT } from '../../src/dns/query.js';
import { DEFAULT_TCP_LIMITS } from '../../src/server/tcp.js';
import { frame, query } from '../support/dns.js';
import { startKdns, type KdnsProcess } from '../support/kdns.js';

const UPSTREAM_DELAY_MS = 300;

/** An upstream that answers every query after a delay, and tracks how many distinct questions it holds at once. */
class SlowUpstream {
  readonly socket: UdpSocket = createSocket('udp4');
  private readonly holding = new Set<string>();
  maxHeld = 0;

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    this.socket.on('message', (msg, rinfo) => {
      const req = parseQuery(msg, INTERNAL_TRANSPORT);
      if (req instanceof Rejected) return;
      this.holding.add(req.lname);
      this.maxHeld = Math.max(this.maxHeld, this.holding.size);
      setTimeout(() => {
        this.holding.delete(req.lname);
        const resp = new Response();
        resp.answer = [{ name: req.qname, ttl: 5, type: Type.A, address: '192.0.2.1' }];
        this.socket.send(encodeResponse(resp, req), rinfo.port, rinfo.address);
      }, UPSTREAM_DELAY_MS);
    });
    return this.socket.address().port;
  }
}

function opened(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves with the time (ms) from now until the server closes `s`. */
function closedAfter(s: Socket): Promise<number> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    s.on('error', () => undefined);
    s.once('close', () => resolve(Date.now() - t0));
  });
}

async function othersAnswered(port: number): Promise<void> {
  expect((await query(port, 'example.org.', 'A', { timeoutMs: 3000 })).rcode).to.equal(Rcode.NOERROR);
  expect((await query(port, 'example.org.', 'A', { tcp: true, timeoutMs: 3000 })).rcode).to.equal(Rcode.NOERROR);
}

/** The whole frames in a TCP byte stream. */
function unframe(stream: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at + 2 <= stream.length && at + 2 + stream.readUInt16BE(at) <= stream.length; at += 2 + stream.readUInt16BE(at)) {
    out.push(stream.subarray(at + 2, at + 2 + stream.readUInt16BE(at)));
  }
  return out;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('TCP abuse (kdns process)', function () {
  this.timeout(60_000);
  let kdns: KdnsProcess;
  const upstream = new SlowUpstream();

  before(async () => {
    const upstreamPort = await upstream.start();
    kdns = await startKdns(`example.org {
  timeouts {
    read 1s
    write 1s
    idle 3s
  }
  whoami
}
slow.test {
  forward . 127.0.0.1:${upstreamPort} {
    prefer_udp
  }
}
`, { probe: 'example.org.' });
  });

  after(async () => {
    await kdns?.stop();
    upstream.socket.close();
  });

  it('closes 20 slowloris connections (one byte a second) at the read timeout, and keeps answering', async () => {
    const bytes = frame(buildQuery('example.org.', Type.A, { id: 1 }));
    const conns = await Promise.all(Array.from({ length: 20 }, () => opened(kdns.port)));
    const closes = conns.map(closedAfter);
    let sent = 0;
    const trickle = setInterval(() => {
      if (++sent < bytes.length) for (const c of conns) if (!c.destroyed) c.write(bytes.subarray(sent, sent + 1));
    }, 1000);
    for (const c of conns) c.write(bytes.subarray(0, 1));
    try {
      await othersAnswered(kdns.port);
      const times = await Promise.all(closes);
      // Read timeout 1 s from the frame's first byte; the trickle never restarts it.
      for (const t of times) expect(t).to.be.within(800, 4000);
    } finally {
      clearInterval(trickle);
    }
    await othersAnswered(kdns.port);
  });

  it('closes a connection that sends nothing at the idle timeout', async () => {
    const t = await closedAfter(await opened(kdns.port));
    expect(t).to.be.within(2500, 6000);
  });

  it('cuts off a client that never reads its answers, and keeps answering others', async () => {
    const s = await opened(kdns.port);
    s.pause();
    const closed = closedAfter(s);
    // 30,000 queries whose answers (whoami echoes the long name twice) come to ~18 MB.
    const name = `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(40)}.example.org.`;
    const q = frame(buildQuery(name, Type.A, { id: 3 }));
    for (let i = 0; i < 30_000; i++) s.write(q);
    await sleep(3000);
    await othersAnswered(kdns.port);
    // Now read what kdns had written before it cut the connection: far fewer answers than queries.
    let bytes = 0;
    s.on('data', (d: Buffer) => { bytes += d.length; });
    s.resume();
    await closed;
    // Every answer is longer than its query.
    expect(bytes).to.be.lessThan(30_000 * q.length);
  });

  it(`refuses connections past the cap of ${DEFAULT_TCP_LIMITS.maxConnections}, keeps answering, and frees the slots at the idle timeout`, async () => {
    const active = await opened(kdns.port);
    let got = Buffer.alloc(0);
    active.on('data', (d: Buffer) => { got = Buffer.concat([got, d]); });
    const cap = DEFAULT_TCP_LIMITS.maxConnections;
    const flood: Socket[] = [];
    let refused = 0;
    for (let i = 0; i < cap + 100; i++) {
      const s = connect(kdns.port, '127.0.0.1');
      s.on('error', () => undefined);
      s.once('close', () => { refused++; });
      flood.push(s);
    }
    // Activity keeps the established connection from its idle timeout while the flood connects.
    active.write(frame(buildQuery('example.org.', Type.A, { id: 41 })));
    try {
      // Past the cap, connections are closed as soon as they are accepted.
      const deadline = Date.now() + 10_000;
      while (refused < 100 && Date.now() < deadline) await sleep(50);
      expect(refused).to.be.at.least(100);
      // An established connection is still served, and UDP always is.
      active.write(frame(buildQuery('example.org.', Type.A, { id: 42 })));
      while (unframe(got).length < 2 && !active.destroyed && Date.now() < deadline) await sleep(20);
      expect(unframe(got).map((a) => decodeMessage(a).id)).to.deep.equal([41, 42]);
      expect((await query(kdns.port, 'example.org.', 'A')).rcode).to.equal(Rcode.NOERROR);
      // The idle timeout frees every slot, and new clients are served over TCP again.
      while (refused < flood.length && Date.now() < deadline + 10_000) await sleep(100);
      expect(refused).to.equal(flood.length);
      await othersAnswered(kdns.port);
    } finally {
      for (const s of flood) s.destroy();
      active.destroy();
    }
  });

  it(`holds a connection at ${DEFAULT_TCP_LIMITS.maxInflightPerConnection} queries in flight and answers all of them`, async () => {
    const n = 200;
    const frames = Array.from({ length: n }, (_, i) => frame(buildQuery(`q${i}.slow.test.`, Type.A, { id: i })));
    const s = await opened(kdns.port);
    let got = Buffer.alloc(0);
    const all = new Promise<void>((resolve) => {
      s.on('data', (d: Buffer) => {
        got = Buffer.concat([got, d]);
        if (unframe(got).length === n) resolve();
      });
    });
    s.write(Buffer.concat(frames));
    // While that connection waits on the slow upstream, others are answered at once.
    await othersAnswered(kdns.port);
    await all;
    s.destroy();
    const answers = unframe(got).map((a) => decodeMessage(a));
    expect(new Set(answers.map((m) => m.id)).size).to.equal(n);
    expect(answers.filter((m) => m.rcode !== Rcode.NOERROR).map((m) => [m.id, m.rcode])).to.deep.equal([]);
    console.log(`      upstream held at most ${upstream.maxHeld} queries at once`);
    expect(upstream.maxHeld).to.be.at.most(DEFAULT_TCP_LIMITS.maxInflightPerConnection);
    expect(upstream.maxHeld).to.be.at.least(DEFAULT_TCP_LIMITS.maxInflightPerConnection / 2);
  });
});
