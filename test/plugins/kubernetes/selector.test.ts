// Label selectors in their string form: parsing, the canonical text, matching.

import { expect } from 'chai';
import { parseSelector } from '../../../src/plugins/kubernetes/selector.js';

const LABELS = { app: 'web', tier: 'front', 'example.com/team': 'a', empty: '' };

const cases: { text: string; canonical: string; matches: boolean }[] = [
  { text: '', canonical: '', matches: true },
  { text: 'app=web', canonical: 'app=web', matches: true },
  { text: 'app==web', canonical: 'app=web', matches: true },
  { text: 'app = web', canonical: 'app=web', matches: true },
  { text: 'app=db', canonical: 'app=db', matches: false },
  { text: 'app!=db', canonical: 'app!=db', matches: true },
  { text: 'missing!=x', canonical: 'missing!=x', matches: true },
  { text: 'app!=web', canonical: 'app!=web', matches: false },
  { text: 'tier in (front, back)', canonical: 'tier in (back,front)', matches: true },
  { text: 'tier in (back)', canonical: 'tier=back', matches: false },
  { text: 'missing in (x,y)', canonical: 'missing in (x,y)', matches: false },
  { text: 'tier notin (back,db)', canonical: 'tier notin (back,db)', matches: true },
  { text: 'missing notin (x,y)', canonical: 'missing notin (x,y)', matches: true },
  { text: 'tier notin (front)', canonical: 'tier!=front', matches: false },
  { text: 'app', canonical: 'app', matches: true },
  { text: 'missing', canonical: 'missing', matches: false },
  { text: '!missing', canonical: '!missing', matches: true },
  { text: '! app', canonical: '!app', matches: false },
  { text: 'empty=', canonical: 'empty=', matches: true },
  { text: 'example.com/team=a', canonical: 'example.com/team=a', matches: true },
  { text: 'a=b,c!=d,e in (x,y),f notin (z),g,!h', canonical: 'a=b,c!=d,e in (x,y),f!=z,g,!h', matches: false },
  { text: 'app=web,tier in (front),!legacy,example.com/team', canonical: 'app=web,tier=front,!legacy,example.com/team', matches: true },
];

const errors: { text: string; fragment: string }[] = [
  { text: 'app=web tier=front', fragment: "expected ',' at 'tier'" },
  { text: 'app >= 1', fragment: 'expected an operator' },
  { text: 'app > 1', fragment: 'expected an operator' },
  { text: 'tier in ()', fragment: 'must not be empty' },
  { text: 'tier in front', fragment: "expected '('" },
  { text: 'tier in (a b)', fragment: "expected ',' or ')'" },
  { text: 'tier in (a', fragment: "expected ',' or ')' at the end" },
  { text: '=web', fragment: 'expected a label key' },
  { text: 'app=web,', fragment: 'expected a label key at the end' },
  { text: 'a/b/c=d', fragment: "invalid label key 'a/b/c'" },
  { text: '-app=web', fragment: "invalid label key '-app'" },
  { text: `${'x'.repeat(64)}=1`, fragment: 'invalid label key' },
  { text: 'app=we$b', fragment: "invalid label value 'we$b'" },
  { text: `app=${'v'.repeat(64)}`, fragment: 'invalid label value' },
];

describe('kubernetes label selectors', () => {
  for (const c of cases) {
    it(`'${c.text}' -> '${c.canonical}', matches: ${c.matches}`, () => {
      const s = parseSelector(c.text);
      expect(s.toString()).to.equal(c.canonical);
      expect(s.matches(LABELS)).to.equal(c.matches);
      expect(parseSelector(s.toString()).toString(), 'the canonical text parses to itself').to.equal(c.canonical);
    });
  }
  for (const c of errors) {
    it(`'${c.text}' is refused: ${c.fragment}`, () => {
      let err: unknown;
      try { parseSelector(c.text); } catch (e) { err = e; }
      expect((err as { code?: string }).code).to.equal('KDNS_ERR_SELECTOR');
      expect((err as Error).message).to.contain(c.fragment);
    });
  }
});
