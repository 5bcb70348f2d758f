import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCorefile } from '../../../src/corefile/load.js';
import type { Line } from '../../../src/corefile/types.js';
import { Rcode } from '../../../src/dns/constants.js';
import type { ForwardConfig } from '../../../src/plugins/forward/config.js';
import { parse } from '../../../src/plugins/forward/setup.js';
import { parse as parseLoop } from '../../../src/plugins/loop/setup.js';
import { PLUGIN_ORDER } from '../../../src/plugins/order.js';
import { line } from '../../support/lines.js';
import { expectSetupError } from '../../support/setup.js';

const dir = mkdtempSync(join(tmpdir(), 'kdns-forward-setup-'));
const RESOLV = join(dir, 'resolv.conf');
writeFileSync(RESOLV, '# generated\nsearch default.svc.cluster.local svc.cluster.local\nnameserver 10.0.0.2\n' +
  'nameserver fe80::1%eth0 ; link-local\noptions ndots:5\nnameserver 127.0.0.53\n');
const EMPTY = join(dir, 'empty.conf');
writeFileSync(EMPTY, 'search example.org\n');

const BASE: ForwardConfig = {
  from: '.', to: [{ host: '1.2.3.4', port: 53, label: '1.2.3.4:53' }], except: [], forceTcp: false, preferUdp: false,
  expireMs: 10_000, maxFails: 2, healthCheck: { intervalMs: 500, recursionDesired: true, domain: '.' }, policy: 'random',
  maxConcurrent: 0, next: new Set(), failover: new Set(), failfastAllUnhealthy: false,
};

describe('forward setup', () => {
  const good: { corefile: string; want: Partial<ForwardConfig> }[] = [
    { corefile: 'forward . 1.2.3.4', want: {} },
    { corefile: 'forward Example.ORG dns://1.2.3.4', want: { from: 'example.org.' } },
    { corefile: 'forward 10.0.0.0/24 1.2.3.4', want: { from: '0.0.10.in-addr.arpa.' } },
    { corefile: 'forward . 1.2.3.4:5353 [::1]:53 ::1 dns://[2001:db8::1]:1053', want: { to: [
      { host: '1.2.3.4', port: 5353, label: '1.2.3.4:5353' }, { host: '::1', port: 53, label: '[::1]:53' },
      { host: '::1', port: 53, label: '[::1]:53' }, { host: '2001:db8::1', port: 1053, label: '[2001:db8::1]:1053' }] } },
    { corefile: `forward . ${RESOLV}`, want: { to: [
      { host: '10.0.0.2', port: 53, label: '10.0.0.2:53', file: RESOLV },
      { host: 'fe80::1', port: 53, label: '[fe80::1]:53', file: RESOLV },
      { host: '127.0.0.53', port: 53, label: '127.0.0.53:53', file: RESOLV }] } },
    { corefile: 'forward . 1.2.3.4 {\n  except example.org Internal.Example.COM.\n}',
      want: { except: ['example.org.', 'internal.example.com.'] } },
    { corefile: 'forward . 1.2.3.4 {\n  force_tcp\n  prefer_udp\n}', want: { forceTcp: true, preferUdp: true } },
    { corefile: 'forward . 1.2.3.4 {\n  expire 1m30s\n}', want: { expireMs: 90_000 } },
    { corefile: 'forward . 1.2.3.4 {\n  max_fails 0\n}', want: { maxFails: 0 } },
    { corefile: 'forward . 1.2.3.4 {\n  max_fails 5\n}', want: { maxFails: 5 } },
    { corefile: 'forward . 1.2.3.4 {\n  health_check 2s\n}', want: { healthCheck: { intervalMs: 2000, recursionDesired: true, domain: '.' } } },
    { corefile: 'forward . 1.2.3.4 {\n  health_check 100ms no_rec domain Example.org\n}',
      want: { healthCheck: { intervalMs: 100, recursionDesired: false, domain: 'example.org.' } } },
    { corefile: 'forward . 1.2.3.4 {\n  health_check 1s domain example.org no_rec\n}',
      want: { healthCheck: { intervalMs: 1000, recursionDesired: false, domain: 'example.org.' } } },
    { corefile: 'forward . 1.2.3.4 {\n  policy round_robin\n}', want: { policy: 'round_robin' } },
    { corefile: 'forward . 1.2.3.4 {\n  policy sequential\n}', want: { policy: 'sequential' } },
    { corefile: 'forward . 1.2.3.4 {\n  max_concurrent 1000\n}', want: { maxConcurrent: 1000 } },
    { corefile: 'forward . 1.2.3.4 {\n  next NXDOMAIN servfail\n}', want: { next: new Set([Rcode.NXDOMAIN, Rcode.SERVFAIL]) } },
    { corefile: 'forward . 1.2.3.4 {\n  failover SERVFAIL REFUSED\n}', want: { failover: new Set([Rcode.SERVFAIL, Rcode.REFUSED]) } },
    { corefile: 'forward . 1.2.3.4 {\n  failfast_all_unhealthy_upstreams\n}', want: { failfastAllUnhealthy: true } },
  ];
  for (const c of good) {
    it(JSON.stringify(c.corefile), () => {
      expect(parse(line(c.corefile))).to.deep.equal({ ...BASE, ...c.want });
    });
  }

  it('takes 15 upstreams, not 16', () => {
    const addrs = (n: number): string => Array.from({ length: n }, (_, i) => `10.0.0.${i + 1}`).join(' ');
    expect(parse(line(`forward . ${addrs(15)}`)).to).to.have.length(15);
    expectSetupError(() => parse(line(`forward . ${addrs(16)}`)), 1, 'plugin/forward: more than 15 TOs configured: 16');
  });

  const bad: { corefile: string; line: number; msg: string }[] = [
    { corefile: 'forward', line: 1, msg: 'forward takes FROM and at least one TO' },
    { corefile: 'forward .', line: 1, msg: 'forward takes FROM and at least one TO' },
    { corefile: 'forward exa$mple. 1.2.3.4', line: 1, msg: "invalid zone 'exa$mple.'" },
    { corefile: 'forward . tls://9.9.9.9', line: 1, msg: "'tls://9.9.9.9': only dns:// upstreams are supported by kdns" },
    { corefile: 'forward . dns://dns.example.org', line: 1, msg: "'dns://dns.example.org' is not an IP address" },
    { corefile: 'forward . 1.2.3.4:0', line: 1, msg: "invalid port in '1.2.3.4:0'" },
    { corefile: 'forward . 1.2.3.4:70000', line: 1, msg: "invalid port in '1.2.3.4:70000'" },
    { corefile: 'forward . /nonexistent/resolv.conf', line: 1, msg: "'/nonexistent/resolv.conf' is not an IP address or a readable file: ENOENT" },
    { corefile: `forward . ${EMPTY}`, line: 1, msg: `no nameservers found in '${EMPTY}'` },
    { corefile: 'forward . 1.2.3.4 {\n  except\n}', line: 2, msg: 'except takes at least 1 arguments, got 0' },
    { corefile: 'forward . 1.2.3.4 {\n  force_tcp yes\n}', line: 2, msg: 'force_tcp takes 0 arguments, got 1' },
    { corefile: 'forward . 1.2.3.4 {\n  prefer_udp yes\n}', line: 2, msg: 'prefer_udp takes 0 arguments, got 1' },
    { corefile: 'forward . 1.2.3.4 {\n  expire\n}', line: 2, msg: 'expire takes 1 argument, got 0' },
    { corefile: 'forward . 1.2.3.4 {\n  expire 10\n}', line: 2, msg: "expire: '10' is not a positive duration" },
    { corefile: 'forward . 1.2.3.4 {\n  expire 0s\n}', line: 2, msg: "expire: '0s' is not a positive duration" },
    { corefile: 'forward . 1.2.3.4 {\n  max_fails -1\n}', line: 2, msg: "max_fails: '-1' is not an integer >= 0" },
    { corefile: 'forward . 1.2.3.4 {\n  max_fails two\n}', line: 2, msg: "max_fails: 'two' is not an integer >= 0" },
    { corefile: 'forward . 1.2.3.4 {\n  max_concurrent 0\n}', line: 2, msg: "max_concurrent: '0' is not an integer >= 1" },
    { corefile: 'forward . 1.2.3.4 {\n  health_check\n}', line: 2, msg: 'health_check takes 1 to 4 arguments, got 0' },
    { corefile: 'forward . 1.2.3.4 {\n  health_check soon\n}', line: 2, msg: "health_check: 'soon' is not a positive duration" },
    { corefile: 'forward . 1.2.3.4 {\n  health_check 1s rec\n}', line: 2, msg: "health_check: unknown argument 'rec'" },
    { corefile: 'forward . 1.2.3.4 {\n  health_check 1s domain\n}', line: 2, msg: "health_check: unknown argument 'domain'" },
    { corefile: 'forward . 1.2.3.4 {\n  policy fastest\n}', line: 2, msg: "unknown policy 'fastest' (want random, round_robin, sequential)" },
    { corefile: 'forward . 1.2.3.4 {\n  policy\n}', line: 2, msg: 'policy takes 1 argument, got 0' },
    { corefile: 'forward . 1.2.3.4 {\n  next\n}', line: 2, msg: 'next takes at least 1 arguments, got 0' },
    { corefile: 'forward . 1.2.3.4 {\n  next NXDOMAIN BOGUS\n}', line: 2, msg: "'BOGUS' is not a valid rcode" },
    { corefile: 'forward . 1.2.3.4 {\n  failover NOERROR\n}', line: 2, msg: 'NOERROR cannot be used with failover' },
    { corefile: 'forward . 1.2.3.4 {\n  failfast_all_unhealthy_upstreams now\n}', line: 2,
      msg: 'failfast_all_unhealthy_upstreams takes 0 arguments, got 1' },
    { corefile: 'forward . 1.2.3.4 {\n  tls_servername dns.quad9.net\n}', line: 2, msg: "unknown property 'tls_servername'" },
    { corefile: 'forward . 1.2.3.4 {\n  except {\n  }\n}', line: 2, msg: 'except takes no block' },
  ];
  for (const c of bad) {
    it(`${JSON.stringify(c.corefile)} is an error`, () => {
      expectSetupError(() => parse(line(c.corefile)), c.line, `plugin/forward: ${c.msg}`);
    });
  }
});

describe('forward and loop README examples set up', () => {
  const parsers: Record<string, (l: Line) => unknown> = { forward: parse, loop: parseLoop };
  for (const [name, parser] of Object.entries(parsers)) {
    it(name, () => {
      const readme = fileURLToPath(new URL(`../../../../src/plugins/${name}/README.md`, import.meta.url));
      const examples = [...readFileSync(readme, 'utf8').matchAll(/```corefile\n([\s\S]*?)```/g)].map((m) => m[1]!);
      const found = examples.flatMap((ex) => parseCorefile(ex, readme, { knownDirectives: new Set(PLUGIN_ORDER) }))
        .flatMap((b) => b.directives).filter((l) => l.tokens[0]!.text === name);
      expect(found, 'examples using the plugin').to.not.be.empty;
      for (const l of found) expect(() => parser(l), l.tokens.map((t) => t.text).join(' ')).to.not.throw();
    });
  }
});
