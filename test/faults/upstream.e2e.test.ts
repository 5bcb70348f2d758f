// Faults of the upstream that `forward` relays to: down (port unreachable), silent,
// slow (answers after the client's deadline), answering garbage, answering with the
// wrong ID. kdns answers SERVFAIL within its deadline instead of hanging, keeps
// serving cluster names, logs the upstream down once and up again once, counts the
// failed health checks, and forwards again when the upstream heals.

import { expect } from 'chai';
import { createSocket, type Socket } from 'node:dgram';
import { rcodeName, Type } from '../../src/dns/constants.js';
import { encodeResponse } from '../../src/dns/encode.js';
import { parseQuery, Rejected, Response } from '../../src/dns/message.js';
import { INTERNAL_TRANSPORT } from '../../src/dns/query.js';
import { HEALTH_TIMEOUT_MS } from '../../src/plugins/forward/upstream.js';
import { query } from '../support/dns.js';
import { Steady, linesSince, sleep, type Expected } from '../support/faults.js';
import { freePort, startKdns, type KdnsProcess } from '../support/kdns.js';
import { answersSoon } from '../support/k8s-api/kdns.js';
import { waitFor } from '../support/k8s-api/wait.js';
import { scrape, value } from '../support/metrics.js';
import { FIXTURE_YAML } from '../plugins/kubernetes/cluster.js';

type Mode = 'ok' | 'silent' | 'slow' | 'garbage' | 'wrong-id' | 'down';

/** An upstream that answers A 192.0.2.1 to everything, or misbehaves as told. */
class HostileUpstream {
  mode: Mode = 'ok';
  private socket: Socket | undefined;
  port = 0;

  async up(): Promise<void> {
    const s = createSocket('udp4');
    await new Promise<void>((resolve) => s.bind(this.port, '127.0.0.1', resolve));
    this.port = s.address().port;
    s.on('message', (msg, rinfo) => this.reply(s, msg, rinfo.port));
    this.socket = s;
  }

  async down(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private reply(s: Socket, msg: Buffer, port: number): void {
    const req = parseQuery(msg, INTERNAL_TRANSPORT);
    if (req instanceof Rejected || this.mode === 'silent') return;
    const resp = new Response();
    resp.answer = [{ name: req.qname, ttl: 5, type: Type.A, address: '192.0.2.1' }];
    const wire = encodeResponse(resp, req);
    if (this.mode === 'wrong-id') wire.writeUInt16BE((req.id + 1) & 0xffff, 0);
    if (this.mode === 'garbage') for (let i = 2; i < wire.length; i++) wire[i] = (i * 37) & 0xff;
    setTimeout(() => s.send(wire, port, '127.0.0.1'), this.mode === 'slow' ? 3000 : 0);
  }
}

const STEADY: Expected[] = [{ qname: 'kubernetes.default.svc.cluster.local.', qtype: 'A', want: 'NOERROR 10.96.0.1' }];

const FAULTS: { mode: Mode; name: string }[] = [
  { mode: 'down', name: 'down (port unreachable)' },
  { mode: 'silent', name: 'silent' },
  { mode: 'slow', name: 'slow (answers after 3 s)' },
  { mode: 'garbage', name: 'answering garbage' },
  { mode: 'wrong-id', name: 'answering with the wrong ID' },
];

describe('faults: upstreams (kdns process)', function () {
  this.timeout(60_000);
  const upstream = new HostileUpstream();
  let kdns: KdnsProcess;
  let metrics: string;

  before(async () => {
    await upstream.up();
    metrics = `http://127.0.0.1:${await freePort()}/metrics`;
    kdns = await startKdns(`cluster.local {
  kubernetes {
    fixture cluster.yaml
  }
}
up.test {
  prometheus 127.0.0.1:${new URL(metrics).port}
  forward . 127.0.0.1:${upstream.port} {
    prefer_udp
    health_check 200ms
  }
}
`, { files: { 'cluster.yaml': FIXTURE_YAML }, probe: 'cluster.local.' });
    await answersSoon(kdns.port, 'a.up.test.', 'NOERROR 192.0.2.1');
  });

  after(async () => {
    await kdns?.stop();
    await upstream.down();
  });

  for (const f of FAULTS) {
    it(`upstream ${f.name}: SERVFAIL within the deadline, cluster names served, one line down and one up, recovery`, async () => {
      const label = { proxy_name: 'forward', to: `127.0.0.1:${upstream.port}` };
      const probesBefore = value(await scrape(metrics), 'coredns_proxy_healthcheck_failures_total', label);
      const mark = kdns.stdout().length;
      const steady = new Steady(kdns.port, STEADY);
      try {
        if (f.mode === 'down') await upstream.down();
        else upstream.mode = f.mode;
        // Three clients at once: each gets SERVFAIL well inside a stub resolver's 5 s timeout.
        await Promise.all([0, 1, 2].map(async (i) => {
          const t0 = Date.now();
          const msg = await query(kdns.port, `q${i}.up.test.`, 'A', { timeoutMs: 6000 });
          expect(rcodeName(msg.rcode)).to.equal('SERVFAIL');
          expect(Date.now() - t0).to.be.below(3000);
        }));
        await waitFor(() => linesSince(kdns, mark, 'is down').length > 0, 'the down line');
        // The upstream is probed until it answers; the failed probes are counted, not logged.
        await waitFor(async () => value(await scrape(metrics), 'coredns_proxy_healthcheck_failures_total', label) >= probesBefore + 2,
          'two failed health checks');
        expect(linesSince(kdns, mark, 'is down'), 'down lines').to.have.length(1);

        if (f.mode === 'down') await upstream.up();
        upstream.mode = 'ok';
        await answersSoon(kdns.port, `healed-${f.mode}.up.test.`, 'NOERROR 192.0.2.1');
        await waitFor(() => linesSince(kdns, mark, 'is up again').length > 0, 'the up line');
        expect(linesSince(kdns, mark, 'is up again'), 'up lines').to.have.length(1);
        // A health probe sent during the fault may still time out after the recovery; let it
        // settle before the next fault (forward counts such a late failure without a log line).
        await sleep(HEALTH_TIMEOUT_MS + 300);
      } finally {
        await steady.stop();
        upstream.mode = 'ok';
      }
      expect(steady.wrong, `wrong among ${steady.queries} answers`).to.deep.equal([]);
    });
  }
});
