import { expect } from 'chai';
import { parse, type HostsConfig } from '../../../src/plugins/hosts/setup.js';
import { line } from '../../support/lines.js';
import { expectSetupError } from '../../support/setup.js';

const BLOCK = ['example.org.'];
/** test/support/lines names the Corefile "Corefile", in the working directory. */
const HERE = process.cwd();

const base = (c: Partial<HostsConfig>): HostsConfig => ({
  path: '/etc/hosts', zones: BLOCK, ttl: 3600, reverse: true, reload: 5000, fallthrough: undefined, inline: [], ...c,
});

describe('hosts setup', () => {
  const good: { corefile: string; want: HostsConfig }[] = [
    { corefile: 'hosts', want: base({}) },
    { corefile: 'hosts /etc/hosts.d/ads', want: base({ path: '/etc/hosts.d/ads' }) },
    { corefile: 'hosts example.hosts', want: base({ path: `${HERE}/example.hosts` }) },
    { corefile: 'hosts /etc/hosts Example.ORG example.net', want: base({ zones: ['example.org.', 'example.net.'] }) },
    { corefile: 'hosts {\n  ttl 60\n  no_reverse\n  reload 1m\n}', want: base({ ttl: 60, reverse: false, reload: 60_000 }) },
    { corefile: 'hosts {\n  reload 0\n}', want: base({ reload: 0 }) },
    { corefile: 'hosts {\n  fallthrough\n}', want: base({ fallthrough: ['.'] }) },
    { corefile: 'hosts {\n  fallthrough in-addr.arpa ip6.arpa\n}', want: base({ fallthrough: ['in-addr.arpa.', 'ip6.arpa.'] }) },
    { corefile: 'hosts {\n  10.0.0.1 example.org www.example.org\n  ::1 localhost\n  ttl 5\n  fallthrough\n}',
      want: base({ inline: ['10.0.0.1 example.org www.example.org', '::1 localhost'], ttl: 5, fallthrough: ['.'] }) },
    // Options may follow fallthrough; only inline entries may not.
    { corefile: 'hosts {\n  fallthrough\n  ttl 5\n}', want: base({ ttl: 5, fallthrough: ['.'] }) },
  ];
  for (const c of good) {
    it(JSON.stringify(c.corefile), () => {
      expect(parse(line(c.corefile), BLOCK)).to.deep.equal(c.want);
    });
  }

  const bad: { corefile: string; line: number; msg: string }[] = [
    { corefile: 'hosts /etc/hosts example.org:53', line: 1, msg: "zone 'example.org:53' takes no port" },
    { corefile: 'hosts {\n  ttl\n}', line: 2, msg: 'ttl takes 1 argument, got 0' },
    { corefile: 'hosts {\n  ttl 0\n}', line: 2, msg: 'ttl must be an integer in range [1, 65535]: 0' },
    { corefile: 'hosts {\n  ttl 65536\n}', line: 2, msg: 'ttl must be an integer in range [1, 65535]: 65536' },
    { corefile: 'hosts {\n  ttl soon\n}', line: 2, msg: 'ttl must be an integer in range [1, 65535]: soon' },
    { corefile: 'hosts {\n  no_reverse please\n}', line: 2, msg: 'no_reverse takes 0 arguments, got 1' },
    { corefile: 'hosts {\n  reload\n}', line: 2, msg: 'reload takes 1 argument, got 0' },
    { corefile: 'hosts {\n  reload often\n}', line: 2, msg: "invalid duration for reload 'often'" },
    { corefile: 'hosts {\n  fallthrough example.org:53\n}', line: 2, msg: "zone 'example.org:53' takes no port" },
    { corefile: 'hosts {\n  fallthrough\n  10.0.0.1 late.example.org\n}', line: 3, msg: "unknown property '10.0.0.1'" },
    { corefile: 'hosts {\n  ttl 5 {\n    x\n  }\n}', line: 2, msg: 'ttl takes no block' },
  ];
  for (const c of bad) {
    it(`${JSON.stringify(c.corefile)} is an error`, () => {
      expectSetupError(() => parse(line(c.corefile), BLOCK), c.line, `plugin/hosts: ${c.msg}`);
    });
  }
});
