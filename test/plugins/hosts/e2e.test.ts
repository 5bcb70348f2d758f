// hosts (with cache and loadbalance in front of it) in a real kdns process.

import { expect } from 'chai';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rcode } from '../../../src/dns/constants.js';
import type { A } from '../../../src/dns/records.js';
import { checkCase } from '../../support/cases.js';
import { dig, query } from '../../support/dns.js';
import { startKdns, type KdnsProcess } from '../../support/kdns.js';

const HOSTS = `192.0.2.1 a.example.test
192.0.2.11 multi.example.test
192.0.2.12 multi.example.test
192.0.2.13 multi.example.test
`;

describe('hosts end to end (with cache and loadbalance)', function () {
  this.timeout(30_000);
  let kdns: KdnsProcess;
  before(async () => {
    kdns = await startKdns(`. {
  hosts hosts.txt example.test {
    ttl 600
    reload 100ms
  }
  cache 300
  loadbalance
}
`, { files: { 'hosts.txt': HOSTS }, probe: 'a.example.test.' });
  });
  after(async () => { await kdns?.stop(); });

  it('answers from the file, the reverse too', async () => {
    checkCase(await query(kdns.port, 'a.example.test.', 'A'), { qname: 'a.example.test.', qtype: 'A', aa: true,
      answer: ['a.example.test. 300 IN A 192.0.2.1'] });
    checkCase(await query(kdns.port, '1.2.0.192.in-addr.arpa.', 'PTR'), { qname: '1.2.0.192.in-addr.arpa.', qtype: 'PTR',
      answer: ['1.2.0.192.in-addr.arpa. 300 IN PTR a.example.test.'] });
    expect((await query(kdns.port, 'nope.example.test.', 'A')).rcode).to.equal(Rcode.SERVFAIL);
    expect(await dig(kdns.port, ['+short', 'a.example.test', 'A'])).to.equal('192.0.2.1\n');
  });

  it('shuffles the addresses of a name (loadbalance), from the cache too', async () => {
    const firsts = new Set<string>();
    for (let i = 0; i < 40 && firsts.size < 3; i++) {
      const msg = await query(kdns.port, 'multi.example.test.', 'A');
      expect(msg.answer.map((r) => (r as A).address).sort()).to.deep.equal(['192.0.2.11', '192.0.2.12', '192.0.2.13']);
      firsts.add((msg.answer[0] as A).address);
    }
    expect(firsts.size).to.equal(3);
  });

  it('serves a changed file on the next query, through the cache', async () => {
    expect((await query(kdns.port, 'a.example.test.', 'A')).answer.map((r) => (r as A).address)).to.deep.equal(['192.0.2.1']);
    writeFileSync(join(kdns.dir, 'hosts.new'), '192.0.2.2 a.example.test\n192.0.2.3 b.example.test\n');
    renameSync(join(kdns.dir, 'hosts.new'), join(kdns.dir, 'hosts.txt'));
    const t0 = Date.now();
    let msg = await query(kdns.port, 'a.example.test.', 'A');
    while ((msg.answer[0] as A | undefined)?.address !== '192.0.2.2' && Date.now() - t0 < 10_000) {
      await new Promise((r) => setTimeout(r, 20));
      msg = await query(kdns.port, 'a.example.test.', 'A');
    }
    checkCase(msg, { qname: 'a.example.test.', qtype: 'A', answer: ['a.example.test. 300 IN A 192.0.2.2'] });
    expect(Date.now() - t0, 'ms until the change was served (the cache holds answers for 300 s)').to.be.below(5000);
    checkCase(await query(kdns.port, 'b.example.test.', 'A'), { qname: 'b.example.test.', qtype: 'A',
      answer: ['b.example.test. 300 IN A 192.0.2.3'] });
    checkCase(await query(kdns.port, '1.2.0.192.in-addr.arpa.', 'PTR'), { qname: '1.2.0.192.in-addr.arpa.', qtype: 'PTR',
      rcode: 'SERVFAIL' });
  });
});
