// UDP abuse against a real kdns process: datagrams of every size, ANY queries (no
// amplification), and one client flooding while another keeps asking. Source port 0
// is covered in udp.test.ts (no socket can send from it).

import { expect } from 'chai';
import { createSocket } from 'node:dgram';
import { Type } from '../../src/dns/constants.js';
import { buildQuery } from '../../src/dns/query.js';
import { query } from '../support/dns.js';
import { FUZZ_COREFILE, newStats, udpBatch, withIds } from '../support/fuzz-server.js';
import { startKdns, type KdnsProcess } from '../support/kdns.js';
import { allLatencies, percentile, runLoad, runLoadInWorker, type LoadResult } from '../support/load.js';
import { FIXTURE_YAML } from '../plugins/kubernetes/cluster.js';

const COREFILE = `${FUZZ_COREFILE}any.test {
  any
  whoami
}
`;

/** Datagram sizes at every boundary: runts, a header, the 512/1232 limits, the loopback MTU, the UDP maximum. */
const SIZES = [0, 1, 2, 11, 12, 13, 17, 100, 511, 512, 513, 1231, 1232, 1233, 1500, 4096, 9000, 16384, 65507];

function summary(r: LoadResult): string {
  const lat = allLatencies(r);
  return `${r.answered}/${r.sent} answered (${((100 * r.answered) / r.sent).toFixed(1)}%), `
    + `p50 ${percentile(lat, 50).toFixed(2)} ms, p99 ${percentile(lat, 99).toFixed(2)} ms`;
}

describe('UDP abuse (kdns process)', function () {
  this.timeout(60_000);
  let kdns: KdnsProcess;

  before(async () => {
    kdns = await startKdns(COREFILE, { files: { 'cluster.yaml': FIXTURE_YAML }, probe: 'cluster.local.' });
  });

  after(async () => {
    await kdns?.stop();
  });

  it(`gets the reply each datagram deserves at sizes ${SIZES[0]} to ${SIZES[SIZES.length - 1]}, random or a query with trailing bytes`, async () => {
    const valid = buildQuery('kubernetes.default.svc.cluster.local.', Type.A);
    const packets = SIZES.flatMap((n) => {
      const random = Buffer.alloc(n);
      for (let i = 0; i < n; i++) random[i] = (i * 7919 + n) & 0xff;
      const padded = Buffer.concat([valid, Buffer.alloc(Math.max(0, n - valid.length), 0xab)]).subarray(0, n);
      return [random, padded];
    });
    const sock = createSocket('udp4');
    await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
    const stats = newStats();
    try {
      // One at a time: a few 64 KB datagrams would fill the socket buffer.
      for (const [i, p] of packets.entries()) await udpBatch(sock, kdns.port, withIds([p], i), stats);
    } finally {
      sock.close();
    }
    expect(stats.udpPackets).to.equal(packets.length);
    expect(stats.replies + stats.silent).to.equal(packets.length);
    expect((await query(kdns.port, 'kubernetes.default.svc.cluster.local.', 'A')).answer).to.have.length(1);
  });

  it('answers ANY with a small answer: NODATA for cluster names, 21 bytes over the query with `any`', async () => {
    const names = ['cluster.local.', 'kubernetes.default.svc.cluster.local.', 'hdls1.testns.svc.cluster.local.',
      '_http._tcp.svc1.testns.svc.cluster.local.', '1.0.96.10.in-addr.arpa.'];
    let worst = 0;
    for (const name of names) {
      for (const udpSize of [undefined, 4096]) {
        const q = buildQuery(name, Type.ANY, udpSize ? { udpSize } : {});
        const reply = await rawReply(kdns.port, q);
        worst = Math.max(worst, reply.length / q.length);
      }
    }
    console.log(`      worst ANY amplification on cluster names: ${worst.toFixed(2)}x`);
    expect(worst).to.be.lessThan(3);
    const q = buildQuery('x.any.test.', Type.ANY, { udpSize: 4096 });
    expect((await rawReply(kdns.port, q)).length).to.equal(q.length + 21);
  });

  it('keeps answering a client while another floods from a different address', async () => {
    const queries = [
      buildQuery('kubernetes.default.svc.cluster.local.', Type.A), buildQuery('svc1.testns.svc.cluster.local.', Type.SRV),
      buildQuery('nope.testns.svc.cluster.local.', Type.A), buildQuery('x.example.org.', Type.A),
    ];
    const flood = runLoadInWorker({ port: kdns.port, queries, qps: 0, durationMs: 4000, sockets: 1 });
    await new Promise((r) => setTimeout(r, 500));
    const victim = await runLoad({ port: kdns.port, queries, qps: 50, durationMs: 3000, sockets: 1, source: '127.0.0.2' });
    const flooder = await flood;
    console.log(`      flooder (127.0.0.1): ${flooder.sent} sent, ${summary(flooder)}`);
    console.log(`      other client (127.0.0.2, 50 qps): ${summary(victim)}`);
    // First try only: a stub resolver retries. The flood and kdns share this machine's cores.
    expect(victim.answered / victim.sent).to.be.at.least(0.3);
    // Shedding is reported in a line or two per episode, never per packet.
    expect(kdns.stdout().split('\n').filter((l) => l.includes('shedding the excess')).length).to.be.at.most(10);
    expect((await query(kdns.port, 'kubernetes.default.svc.cluster.local.', 'A')).answer).to.have.length(1);
  });
});

function rawReply(port: number, q: Buffer): Promise<Buffer> {
  const s = createSocket('udp4');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { s.close(); reject(new Error('no reply')); }, 3000);
    s.on('message', (m) => { clearTimeout(timer); s.close(); resolve(m); });
    s.send(q, port, '127.0.0.1');
  });
}
