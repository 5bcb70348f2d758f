import { expect } from 'chai';
import { Type } from '../../../src/dns/constants.js';
import { FieldRule, NameRule } from '../../../src/plugins/rewrite/rules.js';
import { parse } from '../../../src/plugins/rewrite/setup.js';
import { line } from '../../support/lines.js';
import { expectSetupError } from '../../support/setup.js';

/** A rule as plain data: mode, match, from, to and the kinds of its answer options. */
function shape(corefile: string): unknown {
  const r = parse(line(corefile));
  if (r instanceof NameRule) return [r.mode, r.match, r.from, r.to, r.answers.map((a) => a.kind)];
  if (r instanceof FieldRule) return [r.mode, r.field, r.from, r.to];
  throw new Error('unknown rule');
}

describe('rewrite setup', () => {
  const good: { corefile: string; want: unknown }[] = [
    { corefile: 'rewrite name example.net example.org', want: ['stop', 'exact', 'example.net.', 'example.org.', ['auto']] },
    { corefile: 'rewrite continue name exact Example.NET. example.org', want: ['continue', 'exact', 'example.net.', 'example.org.', ['auto']] },
    { corefile: 'rewrite STOP name prefix foo bar', want: ['stop', 'prefix', 'foo.', 'bar.', []] },
    { corefile: 'rewrite name suffix .schmoogle.com. .google.com. answer auto', want: ['stop', 'suffix', '.schmoogle.com.', '.google.com.', ['auto']] },
    { corefile: 'rewrite name substring service svc', want: ['stop', 'substring', 'service.', 'svc.', []] },
    { corefile: 'rewrite name regex (.*)\\.example\\.org {1}.Example.NET',
      want: ['stop', 'regex', '(.*)\\.example\\.org', '{1}.example.net.', []] },
    { corefile: 'rewrite name regex (.*)\\.a {1}.b answer name (.*)\\.b {1}.a value (.*)\\.b {1}.a',
      want: ['stop', 'regex', '(.*)\\.a', '{1}.b.', ['name', 'value']] },
    { corefile: 'rewrite name regex (.*)\\.a {1}.b answer name (.*)\\.b {1}.a answer value (.*)\\.b {1}.a',
      want: ['stop', 'regex', '(.*)\\.a', '{1}.b.', ['name', 'value']] },
    { corefile: 'rewrite name exact a.example b.example answer value (.*)\\.b {1}.a', want: ['stop', 'exact', 'a.example.', 'b.example.', ['auto', 'value']] },
    { corefile: 'rewrite stop {\n  name regex (.*)-(us-west-1)\\.example\\.org {1}.service.{2}.consul\n  answer name (.*)\\.service\\.(us-west-1)\\.consul {1}-{2}.example.org\n}',
      want: ['stop', 'regex', '(.*)-(us-west-1)\\.example\\.org', '{1}.service.{2}.consul.', ['name']] },
    { corefile: 'rewrite type ANY HINFO', want: ['stop', 'qtype', Type.ANY, Type.HINFO] },
    { corefile: 'rewrite continue type a aaaa', want: ['continue', 'qtype', Type.A, Type.AAAA] },
    { corefile: 'rewrite class CH IN', want: ['stop', 'qclass', 3, 1] },
    { corefile: 'rewrite class hs none', want: ['stop', 'qclass', 4, 254] },
  ];
  for (const c of good) {
    it(JSON.stringify(c.corefile), () => {
      expect(shape(c.corefile)).to.deep.equal(c.want);
    });
  }

  const bad: { corefile: string; line: number; msg: string }[] = [
    { corefile: 'rewrite', line: 1, msg: 'no rule type specified for rewrite' },
    { corefile: 'rewrite stop', line: 1, msg: 'no rule type specified for rewrite' },
    { corefile: 'rewrite name', line: 1, msg: 'too few arguments for a name rule' },
    { corefile: 'rewrite name example.org', line: 1, msg: 'too few arguments for a name rule' },
    { corefile: 'rewrite name wildcard a b', line: 1,
      msg: 'name rule supports only exact, prefix, suffix, substring, and regex name matching, received: wildcard' },
    { corefile: 'rewrite name suffix a b answer', line: 1, msg: "answer must be followed by auto, name FROM TO or value FROM TO, got ''" },
    { corefile: 'rewrite name suffix a b answer name', line: 1, msg: 'answer name takes FROM and TO' },
    { corefile: 'rewrite name suffix a b answer other', line: 1, msg: "answer must be followed by auto, name FROM TO or value FROM TO, got 'other'" },
    { corefile: 'rewrite name suffix a b extra', line: 1, msg: "unexpected 'extra' after a name rule (want 'answer')" },
    { corefile: 'rewrite name regex (.*).coredns.rocks {1}.{2}.coredns.rocks', line: 1,
      msg: 'the rewrite regex pattern ({1}.{2}.coredns.rocks) uses more subexpressions than its corresponding matching regex pattern ((.*).coredns.rocks)' },
    { corefile: 'rewrite name regex ([a-z coredns.rocks', line: 1, msg: 'invalid regex matching pattern: ([a-z' },
    { corefile: 'rewrite name regex (.*)\\.a {1}.b answer name (.*)\\.b {1}.{2}.a', line: 1,
      msg: 'the rewrite regex pattern ({1}.{2}.a.) uses more subexpressions than its corresponding matching regex pattern ((.*)\\.b)' },
    { corefile: 'rewrite answer name a b', line: 1, msg: 'response rewrites must begin with a name rule' },
    { corefile: 'rewrite type ANY', line: 1, msg: 'type rules must have exactly two arguments' },
    { corefile: 'rewrite type ANY HINFO MX', line: 1, msg: 'type rules must have exactly two arguments' },
    { corefile: 'rewrite type ANY NOPE', line: 1, msg: "invalid type 'NOPE'" },
    { corefile: 'rewrite class CH', line: 1, msg: 'class rules must have exactly two arguments' },
    { corefile: 'rewrite class XX IN', line: 1, msg: "invalid class 'XX'" },
    { corefile: 'rewrite edns0 local set 0xffee abcd', line: 1, msg: 'rewriting the edns0 field is not built into kdns' },
    { corefile: 'rewrite ttl example.org 15', line: 1, msg: 'rewriting the ttl field is not built into kdns' },
    { corefile: 'rewrite nonsense a b', line: 1, msg: 'invalid rule type "nonsense"' },
    { corefile: 'rewrite name a b {\n  answer auto\n}', line: 1, msg: 'rewrite takes no block' },
  ];
  for (const c of bad) {
    it(`${JSON.stringify(c.corefile)} is an error`, () => {
      expectSetupError(() => parse(line(c.corefile)), c.line, `plugin/rewrite: ${c.msg}`);
    });
  }
});
