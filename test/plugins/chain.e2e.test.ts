// errors, log, health, ready and whoami in a running kdns, from a Corefile.

import { expect } from 'chai';
import { Rcode } from '../../src/dns/constants.js';
import { query } from '../support/dns.js';
import { httpGet } from '../support/http.js';
import { freePort, startKdns, type KdnsProcess } from '../support/kdns.js';

/** The `msg` of every JSON log line kdns wrote so far. */
function messages(kdns: KdnsProcess): string[] {
  return kdns.stdout().split('\n').filter((l) => l.startsWith('{'))
    .map((l) => (JSON.parse(l) as { msg?: string }).msg ?? '');
}

async function waitFor(kdns: KdnsProcess, re: RegExp): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const hit = messages(kdns).find((m) => re.test(m));
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no log line matches ${re}:\n${kdns.stdout()}`);
}

describe('errors, log, health, ready, whoami end to end', function () {
  this.timeout(30_000);
  let kdns: KdnsProcess;
  let health: string;
  let ready: string;

  before(async () => {
    health = `127.0.0.1:${await freePort()}`;
    ready = `127.0.0.1:${await freePort()}`;
    kdns = await startKdns([
      '. {', '  errors', '  log', `  health ${health} {`, '    lameduck 100ms', '  }', `  ready ${ready}`, '}',
      'example.org {', '  whoami', '  log . "{type} {name} {rcode} {proto}"', '}', '',
    ].join('\n'));
  });
  after(() => kdns.stop());

  it('answers whoami in its zone and logs it in the given format', async () => {
    const msg = await query(kdns.port, 'www.Example.org.', 'A');
    expect(msg.rcode).to.equal(Rcode.NOERROR);
    expect(msg.aa).to.equal(true);
    expect(msg.additional.map((r) => r.name)).to.deep.equal(['www.Example.org.', '_udp.www.Example.org.']);
    await waitFor(kdns, /^A www\.example\.org\. NOERROR udp$/);
  });

  it('logs a failed query with errors and log (common format)', async () => {
    const msg = await query(kdns.port, 'nowhere.', 'AAAA', { tcp: true });
    expect(msg.rcode).to.equal(Rcode.SERVFAIL);
    await waitFor(kdns, /^\[ERROR\] plugin\/errors: 2 nowhere\. AAAA: /);
    await waitFor(kdns, /^127\.0\.0\.1:\d+ - \d+ "AAAA IN nowhere\. tcp \d+ false 65535" SERVFAIL qr,rd \d+ [\d.]+s$/);
  });

  it('serves /health and /ready', async () => {
    expect(await httpGet(`http://${health}/health`)).to.deep.equal({ status: 200, body: 'OK' });
    expect(await httpGet(`http://${ready}/ready`)).to.deep.equal({ status: 200, body: 'OK' });
  });
});
