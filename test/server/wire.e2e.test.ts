// The wire layer end to end: a real kdns process, queried with dig, a DNS client
// library (dns2) and raw packets over UDP and TCP (SPEC §3).

import { expect } from 'chai';
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { Rcode, Type } from '../../src/dns/constants.js';
import { decodeMessage } from '../../src/dns/decode.js';
import { buildQuery } from '../../src/dns/query.js';
import { dig, frame, query, rawTcp, rawUdp } from '../support/dns.js';
import { startKdns, type KdnsProcess } from '../support/kdns.js';

const require = createRequire(import.meta.url);
// dns2 is CommonJS; its clients serve here as an independent DNS implementation.
const { UDPClient, TCPClient } = require('dns2') as {
  UDPClient: (o: { dns: string; port: number }) => (name: string, type: string) => Promise<DnsTwoPacket>;
  TCPClient: (o: { dns: string; port: number }) => (name: string, type: string) => Promise<DnsTwoPacket>;
};
interface DnsTwoPacket {
  header: { rcode: number; aa: number };
  additionals: { name: string; type: number; address?: string; port?: number }[];
}

const COREFILE = `example.org {
  whoami
}
`;

describe('wire layer (end to end)', function () {
  this.timeout(30_000);
  let kdns: KdnsProcess;
  before(async () => { kdns = await startKdns(COREFILE, { probe: 'example.org.' }); });
  after(async () => { await kdns.stop(); });

  it('answers dig over UDP with the flags and sections of a standard server', async () => {
    const out = await dig(kdns.port, ['example.org', 'A']);
    expect(out).to.match(/status: NOERROR/);
    expect(out).to.match(/flags: qr aa rd;/);
    expect(out).to.match(/example\.org\.\s+0\s+IN\s+A\s+127\.0\.0\.1/);
    expect(out).to.match(/_udp\.example\.org\.\s+0\s+IN\s+SRV\s+0 0 \d+ \./);
    expect(out).to.match(/EDNS: version: 0, flags:; udp: 1232/);
  });

  it('answers dig over TCP', async () => {
    const out = await dig(kdns.port, ['+tcp', 'example.org', 'A']);
    expect(out).to.match(/status: NOERROR/);
    expect(out).to.match(/_tcp\.example\.org\.\s+0\s+IN\s+SRV/);
  });

  it('answers dig over IPv6', async function () {
    const out = await new Promise<string>((resolve) => {
      import('node:child_process').then(({ execFile }) => execFile('dig', ['@::1', '-p', String(kdns.port), 'example.org', 'AAAA'],
        (_e, stdout) => resolve(stdout)));
    });
    if (/connection refused|network unreachable|no servers/i.test(out)) this.skip();
    expect(out).to.match(/example\.org\.\s+0\s+IN\s+AAAA\s+::1/);
  });

  it('answers the dns2 client library over UDP and TCP', async () => {
    const udp = await UDPClient({ dns: '127.0.0.1', port: kdns.port })('example.org', 'A');
    expect(udp.header.rcode).to.equal(0);
    expect(udp.header.aa).to.equal(1);
    expect(udp.additionals.find((r) => r.type === Type.A)?.address).to.equal('127.0.0.1');
    const tcp = await TCPClient({ dns: '127.0.0.1', port: kdns.port })('example.org', 'A');
    expect(tcp.additionals.find((r) => r.type === Type.SRV)?.name).to.equal('_tcp.example.org');
  });

  it('echoes the question byte for byte, case preserved, with ID and RD copied', async () => {
    const packet = buildQuery('ExAmPlE.OrG.', Type.A, { id: 0xbeef, rd: false });
    const reply = (await rawUdp(kdns.port, packet))!;
    const msg = decodeMessage(reply);
    expect(msg.id).to.equal(0xbeef);
    expect(msg.rd).to.equal(false);
    expect(reply.subarray(12, packet.length).equals(packet.subarray(12))).to.equal(true);
    expect(msg.additional[0]!.name).to.equal('ExAmPlE.OrG.');
  });

  it('REFUSES a zone it does not serve', async () => {
    const msg = await query(kdns.port, 'example.net.', 'A');
    expect(msg.rcode).to.equal(Rcode.REFUSED);
    expect(msg.question[0]!.name).to.equal('example.net.');
  });

  it('answers BADVERS to an unknown EDNS version, with an OPT', async () => {
    const out = await dig(kdns.port, ['+edns=1', '+noednsnegotiation', 'example.org', 'A']);
    expect(out).to.match(/status: BADVERS/);
    const msg = await query(kdns.port, 'example.org.', 'A', { udpSize: 1232, ednsVersion: 1 });
    expect(msg.rcode).to.equal(Rcode.BADVERS);
    expect(msg.edns?.version).to.equal(0);
  });

  it('caps the advertised payload at 1232 and echoes DO', async () => {
    const msg = await query(kdns.port, 'example.org.', 'A', { udpSize: 65000, dnssecOk: true });
    expect(msg.edns).to.deep.equal({ udpSize: 1232, version: 0, dnssecOk: true });
  });

  describe('bad input never stops the server', () => {
    const garbage: { name: string; packet: Buffer; rcode: number | null }[] = [
      { name: 'an empty datagram', packet: Buffer.alloc(0), rcode: null },
      { name: 'a runt of 5 bytes', packet: Buffer.from([1, 2, 3, 4, 5]), rcode: null },
      { name: 'a response (QR=1)', packet: (() => { const p = buildQuery('example.org.', 1, { id: 5 }); p[2]! |= 0x80; return p; })(), rcode: null },
      { name: 'random bytes', packet: Buffer.from('000501000001ffff3a9c0f0f0f0f0f0f0f0f0f0f0f0f', 'hex'), rcode: Rcode.FORMERR },
      { name: 'a compression pointer loop', packet: Buffer.from('00050000000100000000000003616263c00c00010001', 'hex'), rcode: Rcode.FORMERR },
      { name: 'a label over 63 bytes (0x40 type bits)', packet: Buffer.concat([Buffer.from('000500000001000000000000', 'hex'), Buffer.from([64]), Buffer.alloc(64, 97), Buffer.from([0, 0, 1, 0, 1])]), rcode: Rcode.FORMERR },
      { name: 'a name over 255 bytes', packet: Buffer.concat([Buffer.from('000500000001000000000000', 'hex'), ...Array.from({ length: 5 }, () => Buffer.concat([Buffer.from([63]), Buffer.alloc(63, 97)])), Buffer.from([0, 0, 1, 0, 1])]), rcode: Rcode.FORMERR },
      { name: 'QDCOUNT 0', packet: Buffer.from('000501000000000000000000', 'hex'), rcode: Rcode.FORMERR },
      { name: 'QDCOUNT 2', packet: Buffer.from('00050100000200000000000000000100010000010001', 'hex'), rcode: Rcode.FORMERR },
      { name: 'opcode STATUS', packet: Buffer.from('000510000001000000000000076578616d706c65036f72670000010001', 'hex'), rcode: Rcode.NOTIMP },
      { name: 'a 60 KB datagram', packet: Buffer.concat([buildQuery('example.org.', 1, { id: 5 }), Buffer.alloc(60_000)]), rcode: Rcode.NOERROR },
    ];
    for (const g of garbage) {
      it(`${g.name}: ${g.rcode === null ? 'dropped' : 'answered'}, and the next query is answered`, async () => {
        const reply = await rawUdp(kdns.port, g.packet, { timeoutMs: g.rcode === null ? 300 : 2000 });
        if (g.rcode === null) expect(reply).to.equal(null);
        else {
          expect(reply, 'a reply').to.not.equal(null);
          const msg = decodeMessage(reply!);
          expect(msg.id).to.equal(5);
          expect(msg.rcode).to.equal(g.rcode);
        }
        expect((await query(kdns.port, 'example.org.', 'A')).rcode).to.equal(Rcode.NOERROR);
      });
    }
  });

  describe('TCP', () => {
    it('answers several pipelined queries on one connection', async () => {
      const ids = [11, 12, 13, 14, 15];
      const { replies } = await rawTcp(kdns.port, Buffer.concat(ids.map((id) => frame(buildQuery('example.org.', 1, { id })))), ids.length);
      expect(replies.map((r) => decodeMessage(r).id).sort()).to.deep.equal(ids);
    });

    it('reassembles a frame sent one byte at a time', async () => {
      const bytes = frame(buildQuery('example.org.', 1, { id: 77 }));
      const sock = connect(kdns.port, '127.0.0.1');
      await new Promise((r) => sock.once('connect', r));
      const reply = new Promise<Buffer>((resolve) => sock.once('data', resolve));
      for (const b of bytes) {
        sock.write(Buffer.from([b]));
        await new Promise((r) => setTimeout(r, 5));
      }
      const got = await reply;
      sock.destroy();
      expect(decodeMessage(got.subarray(2)).id).to.equal(77);
    });

    it('closes a connection whose frame never completes, and keeps answering', async () => {
      const { closed } = await rawTcp(kdns.port, Buffer.from([0, 40, 1, 2, 3]), 1, { timeoutMs: 8000 });
      expect(closed).to.equal(true);
      expect((await query(kdns.port, 'example.org.', 'A', { tcp: true })).rcode).to.equal(Rcode.NOERROR);
    });

    it('answers FORMERR to garbage in a frame and keeps the connection', async () => {
      const frames = [frame(Buffer.from('000700000000000000000000', 'hex')), frame(buildQuery('example.org.', 1, { id: 8 }))];
      const { replies } = await rawTcp(kdns.port, frames, 2);
      expect(replies.map((r) => decodeMessage(r)).map((m) => [m.id, m.rcode])).to.deep.equal([[7, Rcode.FORMERR], [8, Rcode.NOERROR]]);
    });

    it('keeps answering over UDP and TCP with 900 idle TCP connections open', async () => {
      const idle: Socket[] = [];
      for (let i = 0; i < 900; i++) idle.push(connect(kdns.port, '127.0.0.1').on('error', () => undefined));
      await Promise.all(idle.map((s) => new Promise((r) => { s.once('connect', r); s.once('error', r); })));
      try {
        expect((await query(kdns.port, 'example.org.', 'A')).rcode).to.equal(Rcode.NOERROR);
        expect((await query(kdns.port, 'example.org.', 'A', { tcp: true })).rcode).to.equal(Rcode.NOERROR);
      } finally {
        for (const s of idle) s.destroy();
      }
    });
  });
});
