// The kubernetes answer table against a real kdns process serving the test
// cluster from a fixture file, over UDP and TCP.

import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rcode } from '../../../src/dns/constants.js';
import type { SOA } from '../../../src/dns/records.js';
import { caseName, checkCase } from '../../support/cases.js';
import { query } from '../../support/dns.js';
import { startKdns, type KdnsProcess } from '../../support/kdns.js';
import { FIXTURE_YAML } from './cluster.js';
import { mainCases } from './table.js';

const COREFILE = `. {
  kubernetes cluster.local in-addr.arpa ip6.arpa {
    fixture cluster.yaml
    pods insecure
  }
}
`;

describe('kubernetes end to end (kdns process, fixture file)', function () {
  this.timeout(20_000);
  let kdns: KdnsProcess;
  let serial = 0;

  before(async () => {
    kdns = await startKdns(COREFILE, { files: { 'cluster.yaml': FIXTURE_YAML }, probe: 'cluster.local.' });
    const soa = (await query(kdns.port, 'cluster.local.', 'SOA')).answer[0] as SOA;
    serial = soa.serial;
  });

  after(async () => {
    await kdns?.stop();
  });

  for (const proto of ['udp', 'tcp'] as const) {
    it(`answers the whole table over ${proto}`, async () => {
      const cases = mainCases(serial).filter((c) => c.unitOnly === undefined);
      expect(cases.length).to.be.greaterThan(100);
      for (const c of cases) {
        const msg = await query(kdns.port, c.qname, c.qtype, { tcp: proto === 'tcp', udpSize: 1232 });
        try {
          checkCase(msg, c);
        } catch (err) {
          (err as Error).message = `${caseName(c)} over ${proto}: ${(err as Error).message}`;
          throw err;
        }
      }
    });
  }

  it('serves a change to the fixture file in the next answers', async () => {
    const name = 'added.testns.svc.cluster.local.';
    expect((await query(kdns.port, name, 'A')).rcode).to.equal(Rcode.NXDOMAIN);
    writeFileSync(join(kdns.dir, 'cluster.yaml'), `${FIXTURE_YAML}- apiVersion: v1
  kind: Service
  metadata: {name: added, namespace: testns}
  spec: {clusterIP: 10.0.0.77}
`);
    const deadline = Date.now() + 5000;
    let msg = await query(kdns.port, name, 'A');
    while (msg.rcode !== Rcode.NOERROR && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      msg = await query(kdns.port, name, 'A');
    }
    checkCase(msg, { qname: name, qtype: 'A', answer: [`${name} 5 IN A 10.0.0.77`], aa: true });
  });
});
