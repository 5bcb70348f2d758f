// A rolling stop as Kubernetes does it (SPEC §5 health, §7 coredns#5409): SIGTERM
// while clients keep querying; /ready fails at once (the pod leaves the Service),
// every query is still answered through `lameduck`, then the process exits 0.

import { expect } from 'chai';
import { httpGet } from '../support/http.js';
import { freePort, startKdns, type KdnsProcess } from '../support/kdns.js';
import { QueryLoop } from '../support/query-loop.js';
import { FIXTURE_YAML } from '../plugins/kubernetes/cluster.js';

const LAMEDUCK_MS = 2000;

describe('lameduck end to end (kdns process, SIGTERM under a query loop)', function () {
  this.timeout(30_000);
  let kdns: KdnsProcess;
  let ready: string;
  let health: string;

  before(async () => {
    const [h, r] = [await freePort(), await freePort()];
    health = `http://127.0.0.1:${h}/health`;
    ready = `http://127.0.0.1:${r}/ready`;
    kdns = await startKdns(`. {
  health 127.0.0.1:${h} {
    lameduck ${LAMEDUCK_MS / 1000}s
  }
  ready 127.0.0.1:${r}
  kubernetes cluster.local {
    fixture cluster.yaml
  }
}
`, { files: { 'cluster.yaml': FIXTURE_YAML }, probe: 'cluster.local.' });
  });

  after(async () => {
    await kdns?.stop('SIGKILL');
  });

  it('fails /ready at once, answers every query through the lameduck period, then exits 0', async () => {
    expect(await httpGet(ready)).to.deep.equal({ status: 200, body: 'OK' });
    const loop = new QueryLoop(kdns.port, [
      { qname: 'kubernetes.default.svc.cluster.local.', qtype: 'A' },
      { qname: 'svc1.testns.svc.cluster.local.', qtype: 'A' },
    ]);
    while (loop.count < 20) await new Promise((r) => setTimeout(r, 10));

    const exited = new Promise<number | null>((resolve) => kdns.proc.once('exit', (code) => resolve(code)));
    const term = loop.now();
    kdns.proc.kill('SIGTERM');
    let notReadyAt: number | undefined;
    while (notReadyAt === undefined) {
      const res = await httpGet(ready);
      if (res.status === 503) {
        expect(res.body).to.equal('Shutting down');
        notReadyAt = loop.now();
      }
    }
    // Still alive and answering: the liveness probe must not restart the pod meanwhile.
    expect((await httpGet(health)).status).to.equal(200);
    // Clients stop once the pod is out of the Service; here: shortly before the period ends.
    while (loop.now() < term + LAMEDUCK_MS - 200) await new Promise((r) => setTimeout(r, 10));
    const { outcomes, failed } = await loop.stop();
    const code = await exited;
    const exitedAt = loop.now();

    const during = outcomes.filter((o) => o.sentAt >= term);
    const lastAnswered = Math.max(...during.filter((o) => o.ok).map((o) => o.sentAt));
    // The figures the report quotes.
    console.log(`      SIGTERM at ${term} ms: /ready 503 after ${notReadyAt - term} ms; ${during.length} queries during lameduck, `
      + `${failed.length} failed; last sent ${lastAnswered - term} ms after SIGTERM; exit ${code} after ${exitedAt - term} ms`);
    expect(failed.map((o) => `${o.q.qname} ${o.tcp ? 'tcp' : 'udp'} at ${o.sentAt}: ${o.result}`)).to.deep.equal([]);
    expect(notReadyAt - term, '/ready fails before the lameduck period is half over').to.be.below(LAMEDUCK_MS / 2);
    expect(during.filter((o) => o.tcp).length, 'TCP queries during lameduck').to.be.greaterThan(5);
    expect(during.filter((o) => !o.tcp).length, 'UDP queries during lameduck').to.be.greaterThan(5);
    expect(lastAnswered - term, 'answered until the end of the period').to.be.at.least(LAMEDUCK_MS - 500);
    expect(code).to.equal(0);
    expect(exitedAt - term, 'exit waits out the lameduck period').to.be.at.least(LAMEDUCK_MS);
  });
});
