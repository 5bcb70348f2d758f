import { expect } from 'chai';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rcode } from '../../../src/dns/constants.js';
import { decodeMessage } from '../../../src/dns/decode.js';
import { encodeResponse } from '../../../src/dns/encode.js';
import { Response } from '../../../src/dns/message.js';
import { makeRequest } from '../../../src/dns/query.js';
import { DnsError } from '../../../src/errors.js';
import { rootLogger } from '../../../src/log.js';
import { Hosts } from '../../../src/plugins/hosts/hosts.js';
import { parse } from '../../../src/plugins/hosts/setup.js';
import { HostsSource } from '../../../src/plugins/hosts/source.js';
import { answering, testCtx } from '../../support/chain.js';
import { caseName, checkCase, type Case } from '../../support/cases.js';
import { qtypeOf } from '../../support/dns.js';
import { line } from '../../support/lines.js';

const FILE = `# a hosts file
192.0.2.1       www.example.org www
2001:db8::1     www.example.org
192.0.2.2       v4only.example.org
::ffff:192.0.2.3 mapped.example.org
fe80::1%eth0    zoned.example.org
10.0.0.1        outside.example.com
not-an-ip       foo.example.org
192.0.2.1       alias.example.org   # trailing comment
# 192.0.2.99    commented.example.org
192.0.2.5       fall.example.net
192.0.2.6       bad..example.org
`;

const COREFILE = `hosts FILE example.org example.net {
  ttl 300
  192.0.2.9 inline.example.org
  2001:db8::9 www.example.org
  fallthrough example.net
}`;

/** The warnings about missing files are expected here. */
const quiet = rootLogger.child({}, { level: 'silent' });

/** What the next plugin answers: a marker to tell "passed on" from an answer. */
const NEXT = new Response(Rcode.REFUSED);

interface HostsCase extends Case {
  /** Passed on to the next plugin. */
  next?: boolean;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kdns-hosts-'));
}

/** A started source and handler for `corefile`, FILE standing for `file` written into a temp dir. */
async function hostsFor(corefile: string, file: string | null, changed: () => void = () => undefined):
  Promise<{ hosts: Hosts; source: HostsSource; dir: string }> {
  const dir = tempDir();
  if (file !== null) writeFileSync(join(dir, 'hosts.txt'), file);
  const cfg = parse(line(corefile.replace('FILE', join(dir, 'hosts.txt'))), ['.']);
  const source: HostsSource = new HostsSource(cfg, quiet, () => { hosts.changed(); changed(); });
  const hosts = new Hosts(cfg, source);
  await source.start();
  return { hosts, source, dir };
}

async function ask(hosts: Hosts, qname: string, qtype: string): Promise<Response | 'next' | DnsError> {
  const req = makeRequest(qname, qtypeOf(qtype));
  try {
    const resp = await hosts.serve(testCtx, req, answering(NEXT));
    return resp === NEXT ? 'next' : resp;
  } catch (err) {
    if (err instanceof DnsError) return err;
    throw err;
  }
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('hosts', () => {
  const cases: HostsCase[] = [
    { qname: 'www.example.org.', qtype: 'A', aa: true, answer: ['www.example.org. 300 IN A 192.0.2.1'] },
    { qname: 'WWW.Example.ORG.', qtype: 'A', answer: ['WWW.Example.ORG. 300 IN A 192.0.2.1'] },
    // The file's entries first, then the inline ones.
    { qname: 'www.example.org.', qtype: 'AAAA', answer: ['www.example.org. 300 IN AAAA 2001:db8::1',
      'www.example.org. 300 IN AAAA 2001:db8::9'] },
    { qname: 'v4only.example.org.', qtype: 'AAAA', aa: true },
    { qname: 'v4only.example.org.', qtype: 'TXT', aa: true },
    { qname: 'mapped.example.org.', qtype: 'A', answer: ['mapped.example.org. 300 IN A 192.0.2.3'] },
    { qname: 'zoned.example.org.', qtype: 'AAAA', answer: ['zoned.example.org. 300 IN AAAA fe80::1'] },
    { qname: 'inline.example.org.', qtype: 'A', answer: ['inline.example.org. 300 IN A 192.0.2.9'] },
    // No entry: SERVFAIL (no SOA for an NXDOMAIN), or on with fallthrough.
    { qname: 'missing.example.org.', qtype: 'A', rcode: 'SERVFAIL' },
    { qname: 'commented.example.org.', qtype: 'A', rcode: 'SERVFAIL' },
    { qname: 'foo.example.org.', qtype: 'A', rcode: 'SERVFAIL' },
    { qname: 'missing.example.net.', qtype: 'A', next: true },
    { qname: 'fall.example.net.', qtype: 'A', answer: ['fall.example.net. 300 IN A 192.0.2.5'] },
    // Outside the zones: passed on, and not read from the file.
    { qname: 'outside.example.com.', qtype: 'A', next: true },
    // PTR, in any zone; an address with no entry goes on.
    { qname: '1.2.0.192.in-addr.arpa.', qtype: 'PTR', aa: true,
      answer: ['1.2.0.192.in-addr.arpa. 300 IN PTR www.example.org.', '1.2.0.192.in-addr.arpa. 300 IN PTR alias.example.org.'] },
    { qname: '9.2.0.192.in-addr.arpa.', qtype: 'PTR', answer: ['9.2.0.192.in-addr.arpa. 300 IN PTR inline.example.org.'] },
    { qname: '1.0.0.10.in-addr.arpa.', qtype: 'PTR', next: true },
    { qname: '2.0.192.in-addr.arpa.', qtype: 'PTR', next: true },
    { qname: '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.', qtype: 'PTR',
      answer: ['1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. 300 IN PTR www.example.org.'] },
  ];

  let hosts: Hosts;
  before(async () => { ({ hosts } = await hostsFor(COREFILE, FILE)); });

  for (const c of cases) {
    it(caseName(c), async () => {
      const got = await ask(hosts, c.qname, c.qtype);
      if (c.next) { expect(got).to.equal('next'); return; }
      if (c.rcode === 'SERVFAIL') {
        expect(got).to.be.instanceOf(DnsError);
        expect((got as DnsError).rcode).to.equal(Rcode.SERVFAIL);
        return;
      }
      expect(got).to.be.instanceOf(Response);
      const req = makeRequest(c.qname, qtypeOf(c.qtype));
      checkCase(decodeMessage(encodeResponse(got as Response, req)), c);
    });
  }

  it('makes no PTR records with no_reverse', async () => {
    const { hosts: h } = await hostsFor('hosts FILE {\n  no_reverse\n}', FILE);
    expect(await ask(h, '1.2.0.192.in-addr.arpa.', 'PTR')).to.equal('next');
    expect(await ask(h, 'www.example.org.', 'A')).to.be.instanceOf(Response);
  });

  it('serves the inline entries when the file is missing', async () => {
    const { hosts: h } = await hostsFor('hosts FILE {\n  192.0.2.9 inline.example.org\n}', null);
    expect(await ask(h, 'inline.example.org.', 'A')).to.be.instanceOf(Response);
  });

  describe('reload', () => {
    const A = async (h: Hosts, name: string): Promise<string[]> => {
      const got = await ask(h, name, 'A');
      return got instanceof Response ? got.answer.map((r) => (r as { address: string }).address) : [];
    };

    it('reads a changed file, announces the change and keeps the last entries while the file is gone', async () => {
      let announced = 0;
      const { hosts: h, source, dir } = await hostsFor('hosts FILE {\n  reload 50ms\n}', '192.0.2.1 a.example.org\n',
        () => { announced++; });
      try {
        expect(await A(h, 'a.example.org.')).to.deep.equal(['192.0.2.1']);
        // Replaced as an editor or a ConfigMap volume does: a new file renamed over the old.
        writeFileSync(join(dir, 'next.txt'), '192.0.2.2 a.example.org\n192.0.2.3 b.example.org\n');
        renameSync(join(dir, 'next.txt'), join(dir, 'hosts.txt'));
        await until(async () => (await A(h, 'a.example.org.'))[0] === '192.0.2.2', 'the new entry');
        expect(await A(h, 'b.example.org.')).to.deep.equal(['192.0.2.3']);
        expect(announced).to.equal(1);
        expect(source.entries).to.equal(4);
        rmSync(join(dir, 'hosts.txt'));
        await new Promise((r) => setTimeout(r, 200));
        expect(await A(h, 'b.example.org.')).to.deep.equal(['192.0.2.3']);
        writeFileSync(join(dir, 'hosts.txt'), '192.0.2.4 c.example.org\n');
        await until(async () => (await A(h, 'c.example.org.')).length === 1, 'the restored file');
        expect(await ask(h, 'b.example.org.', 'A')).to.be.instanceOf(DnsError);
      } finally {
        await source.stop();
      }
    });

    it('reads a file that appears after start', async () => {
      let announced = 0;
      const { hosts: h, source, dir } = await hostsFor('hosts FILE {\n  reload 50ms\n}', null, () => { announced++; });
      try {
        writeFileSync(join(dir, 'hosts.txt'), '192.0.2.1 late.example.org\n');
        await until(async () => (await A(h, 'late.example.org.')).length === 1, 'the late file');
        expect(announced).to.equal(1);
      } finally {
        await source.stop();
      }
    });

    it('does not look again with reload 0', async () => {
      const { hosts: h, source, dir } = await hostsFor('hosts FILE {\n  reload 0\n}', '192.0.2.1 a.example.org\n');
      writeFileSync(join(dir, 'hosts.txt'), '192.0.2.2 a.example.org\n');
      await source.check();
      expect(await A(h, 'a.example.org.')).to.deep.equal(['192.0.2.2']);
      writeFileSync(join(dir, 'hosts.txt'), '192.0.2.3 a.example.org\n');
      await new Promise((r) => setTimeout(r, 150));
      expect(await A(h, 'a.example.org.')).to.deep.equal(['192.0.2.2']);
      await source.stop();
    });
  });
});
