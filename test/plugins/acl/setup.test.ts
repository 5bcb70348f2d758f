import { expect } from 'chai';
import { parse, type AclConfig } from '../../../src/plugins/acl/setup.js';
import { line } from '../../support/lines.js';
import { expectSetupError } from '../../support/setup.js';

const BLOCK_ZONES = ['example.org.'];

describe('acl setup', () => {
  const good: { corefile: string; want: AclConfig }[] = [
    { corefile: 'acl', want: { zones: BLOCK_ZONES, policies: [] } },
    {
      corefile: 'acl {\n  block type A net 192.168.0.0/16\n}',
      want: { zones: BLOCK_ZONES, policies: [{ action: 'block', types: [1], nets: ['192.168.0.0/16'] }] },
    },
    {
      corefile: 'acl {\n  filter type AAAA\n}',
      want: { zones: BLOCK_ZONES, policies: [{ action: 'filter', types: [28], nets: null }] },
    },
    {
      // Single addresses become /32 and /128; sections in any order; actions in any case.
      corefile: 'acl {\n  ALLOW net 10.0.0.1 2001:db8::/32 fd00::1 type A AAAA\n  block\n}',
      want: {
        zones: BLOCK_ZONES, policies: [
          { action: 'allow', types: [1, 28], nets: ['10.0.0.1/32', '2001:db8::/32', 'fd00::1/128'] },
          { action: 'block', types: null, nets: null },
        ],
      },
    },
    {
      // `*` is everything, whatever else the section lists.
      corefile: 'acl a.example.org B.example.org {\n  drop type * net * 10.0.0.0/8\n}',
      want: { zones: ['a.example.org.', 'b.example.org.'], policies: [{ action: 'drop', types: null, nets: null }] },
    },
    {
      corefile: 'acl 10.0.0.0/24 {\n  block type TYPE65 ANY\n}',
      want: { zones: ['0.0.10.in-addr.arpa.'], policies: [{ action: 'block', types: [65, 255], nets: null }] },
    },
  ];
  for (const c of good) {
    it(JSON.stringify(c.corefile), () => {
      expect(parse(line(c.corefile), BLOCK_ZONES)).to.deep.equal(c.want);
    });
  }

  const bad: { corefile: string; line: number; msg: string }[] = [
    { corefile: 'acl {\n  deny net 10.0.0.0/8\n}', line: 2, msg: "unexpected token 'deny'; expect 'allow', 'block', 'filter' or 'drop'" },
    { corefile: 'acl {\n  block type\n}', line: 2, msg: "no token specified in 'type' section" },
    { corefile: 'acl {\n  block net type A\n}', line: 2, msg: "no token specified in 'net' section" },
    { corefile: 'acl {\n  block type BOGUS\n}', line: 2, msg: "unexpected token 'BOGUS'; expect legal QTYPE" },
    { corefile: 'acl {\n  block from 10.0.0.0/8\n}', line: 2, msg: "unexpected token 'from'; expect 'type' or 'net'" },
    { corefile: 'acl {\n  block net 10.0.0.0/33\n}', line: 2, msg: "illegal CIDR notation '10.0.0.0/33'" },
    { corefile: 'acl {\n  block net 10.0.0/8\n}', line: 2, msg: "illegal CIDR notation '10.0.0/8'" },
    { corefile: 'acl {\n  block net example.org\n}', line: 2, msg: "illegal CIDR notation 'example.org'" },
    { corefile: 'acl example.org:53 {\n  block\n}', line: 1, msg: "zone 'example.org:53' takes no port" },
  ];
  for (const c of bad) {
    it(`${JSON.stringify(c.corefile)} is an error`, () => {
      expectSetupError(() => parse(line(c.corefile), BLOCK_ZONES), c.line, `plugin/acl: ${c.msg}`);
    });
  }
});
