// Faults in the files kdns reads while running: the fixture file deleted, cut short,
// emptied or overwritten with garbage, and the Corefile deleted. kdns keeps serving
// what it has, logs one line per condition however long it lasts, shows it in its
// metrics, and recovers on its own once the file is good again.

import { expect } from 'chai';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Steady, linesSince, sleep, type Expected } from '../support/faults.js';
import { freePort, startKdns, type KdnsProcess } from '../support/kdns.js';
import { answersSoon } from '../support/k8s-api/kdns.js';
import { waitFor } from '../support/k8s-api/wait.js';
import { scrape, value } from '../support/metrics.js';
import { FIXTURE_YAML } from '../plugins/kubernetes/cluster.js';

/** As kubectl prints a List: `kind` after `items`, so a file cut short has none and is refused. */
const KUBECTL_YAML = `${FIXTURE_YAML.replace('kind: List\n', '')}kind: List\n`;

function withService(name: string, ip: string): string {
  return KUBECTL_YAML.replace('kind: List\n', `- apiVersion: v1
  kind: Service
  metadata: {name: ${name}, namespace: default}
  spec: {clusterIP: ${ip}}
kind: List
`);
}

const STEADY: Expected[] = [
  { qname: 'kubernetes.default.svc.cluster.local.', qtype: 'A', want: 'NOERROR 10.96.0.1' },
  { qname: 'x.example.org.', qtype: 'TXT', want: 'NOERROR' },
];

const FIXTURE_FAULTS: { name: string; inject: (path: string) => void }[] = [
  { name: 'deleted', inject: (p) => unlinkSync(p) },
  { name: 'cut short mid-write', inject: (p) => writeFileSync(p, KUBECTL_YAML.slice(0, Math.floor(KUBECTL_YAML.length / 2))) },
  { name: 'emptied', inject: (p) => writeFileSync(p, '') },
  { name: 'overwritten with garbage', inject: (p) => writeFileSync(p, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131) & 0xff))) },
];

describe('faults: files (kdns process)', function () {
  this.timeout(60_000);
  let kdns: KdnsProcess;
  let metrics: string;
  let fixture: string;
  let corefile: string;
  const corefileText = (extra: string): string => `cluster.local {
  prometheus 127.0.0.1:${new URL(metrics).port}
  reload 2s 1s
  kubernetes {
    fixture cluster.yaml
  }
}
example.org {
  whoami
}
${extra}`;

  before(async () => {
    metrics = `http://127.0.0.1:${await freePort()}/metrics`;
    kdns = await startKdns(corefileText(''), { files: { 'cluster.yaml': KUBECTL_YAML }, probe: 'cluster.local.' });
    fixture = join(kdns.dir, 'cluster.yaml');
    corefile = join(kdns.dir, 'Corefile');
  });

  after(async () => {
    await kdns?.stop();
  });

  for (const [i, f] of FIXTURE_FAULTS.entries()) {
    it(`fixture file ${f.name}: the last good state is served, one log line, a metric, recovery`, async () => {
      const labels = { server: `dns://:${kdns.port}`, zone: 'cluster.local.' };
      const errorsBefore = value(await scrape(metrics), 'kdns_kubernetes_fixture_errors_total', labels);
      const mark = kdns.stdout().length;
      const steady = new Steady(kdns.port, STEADY);
      try {
        f.inject(fixture);
        // Long enough for several re-reads (a watch event, then the 1 s poll).
        await waitFor(async () => value(await scrape(metrics), 'kdns_kubernetes_fixture_failing', labels) === 1, 'failing = 1');
        await sleep(2500);
        expect(linesSince(kdns, mark, 'kept last good state'), 'error lines').to.have.length(1);
        expect(value(await scrape(metrics), 'kdns_kubernetes_fixture_errors_total', labels)).to.be.above(errorsBefore);
        writeFileSync(fixture, withService(`restored-${i}`, `10.0.3.${i}`));
        await answersSoon(kdns.port, `restored-${i}.default.svc.cluster.local.`, `NOERROR 10.0.3.${i}`);
        // The log line may reach us after the answer does.
        await waitFor(() => linesSince(kdns, mark, 'loaded again').length > 0, 'the recovery line');
        expect(linesSince(kdns, mark, 'loaded again'), 'recovery lines').to.have.length(1);
        expect(value(await scrape(metrics), 'kdns_kubernetes_fixture_failing', labels)).to.equal(0);
      } finally {
        await steady.stop();
      }
      expect(steady.wrong, `wrong among ${steady.queries} answers`).to.deep.equal([]);
      expect(steady.queries).to.be.at.least(20);
    });
  }

  it('Corefile deleted: the running config stays, one log line, coredns_reload_failed_total, recovery', async () => {
    const failedBefore = value(await scrape(metrics), 'coredns_reload_failed_total');
    const mark = kdns.stdout().length;
    const steady = new Steady(kdns.port, STEADY);
    try {
      unlinkSync(corefile);
      await waitFor(() => linesSince(kdns, mark, 'keeping the running config').length > 0, 'the error line', 10_000);
      await sleep(4500); // two more checks
      expect(linesSince(kdns, mark, 'keeping the running config'), 'error lines').to.have.length(1);
      expect(value(await scrape(metrics), 'coredns_reload_failed_total')).to.equal(failedBefore + 1);
      // A new Corefile comes back (a ConfigMap update): it is loaded.
      writeFileSync(corefile, corefileText('example.net {\n  whoami\n}\n'));
      await answersSoon(kdns.port, 'x.example.net.', 'NOERROR', 'TXT', 15_000);
      await waitFor(() => linesSince(kdns, mark, 'Reloading complete').length > 0, 'the reload line');
      expect(linesSince(kdns, mark, 'Reloading complete')).to.have.length(1);
    } finally {
      await steady.stop();
    }
    expect(steady.wrong, `wrong among ${steady.queries} answers`).to.deep.equal([]);
  });
});
