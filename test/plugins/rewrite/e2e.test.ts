// rewrite in a real kdns process in front of forward to a real upstream (dnsmasq):
// the upstream is asked the rewritten name, the client sees its own.

import { expect } from 'chai';
import { checkCase } from '../../support/cases.js';
import { Dnsmasq } from '../../support/dnsmasq.js';
import { dig, query } from '../../support/dns.js';
import { startKdns, type KdnsProcess } from '../../support/kdns.js';

describe('rewrite end to end (forward to dnsmasq)', function () {
  this.timeout(30_000);
  let dnsmasq: Dnsmasq;
  let kdns: KdnsProcess;
  before(async () => {
    dnsmasq = await Dnsmasq.start({ ttl: 60, args: ['--address=/example.test/192.0.2.1', '--host-record=target.example.test,192.0.2.5',
      '--cname=alias.example.test,target.example.test'] });
    kdns = await startKdns(`. {
  rewrite name exact www.example.org www.example.test
  rewrite name suffix .corp.example .example.test answer auto
  rewrite stop {
    name regex ^(.*)-green\\.example\\.org\\.$ {1}.example.test
    answer name ^(.*)\\.example\\.test\\.$ {1}-green.example.org
  }
  forward . 127.0.0.1:${dnsmasq.port}
}
`, { probe: 'www.example.org.' });
  });
  after(async () => {
    await kdns?.stop();
    await dnsmasq?.kill();
  });

  it('asks the rewritten name and answers with the client\'s (exact)', async () => {
    checkCase(await query(kdns.port, 'WWW.example.ORG.', 'A'), { qname: 'WWW.example.ORG.', qtype: 'A',
      answer: ['WWW.example.ORG. 60 IN A 192.0.2.1'] });
    expect(dnsmasq.queries('www.example.test', 'A')).to.be.above(0);
    expect(dnsmasq.queries('www.example.org', 'A')).to.equal(0);
    // dig checks that the question and the answer are the client's.
    const out = await dig(kdns.port, ['www.example.org', 'A']);
    expect(out).to.not.contain('mismatch');
    expect(out).to.match(/^www\.example\.org\.\s+\d+\s+IN\s+A\s+192\.0\.2\.1$/m);
  });

  it('maps the answer names back with answer auto (suffix)', async () => {
    checkCase(await query(kdns.port, 'alias.corp.example.', 'A'), { qname: 'alias.corp.example.', qtype: 'A',
      answer: ['alias.corp.example. 60 IN CNAME target.example.test.', 'target.corp.example. 60 IN A 192.0.2.5'] });
  });

  it('maps the answer names back with answer name (regex)', async () => {
    checkCase(await query(kdns.port, 'api-green.example.org.', 'A'), { qname: 'api-green.example.org.', qtype: 'A',
      answer: ['api-green.example.org. 60 IN A 192.0.2.1'] });
    expect(dnsmasq.queries('api.example.test', 'A')).to.equal(1);
  });
});
