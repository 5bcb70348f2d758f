// Reading names off the wire: the one-string path for plain names and the general
// one (escapes, compression) must agree, at every limit of RFC 1035.

import { expect } from 'chai';
import { WireError } from '../../src/errors.js';
import { isSubdomain, Reader, readName } from '../../src/dns/names.js';

/** Wire form of labels given as byte arrays or strings, with the root byte. */
function wire(...labels: (string | number[])[]): Buffer {
  const parts = labels.map((l) => (typeof l === 'string' ? Buffer.from(l, 'latin1') : Buffer.from(l)));
  return Buffer.concat([...parts.flatMap((p) => [Buffer.from([p.length]), p]), Buffer.from([0])]);
}

const label63 = 'a'.repeat(63);

describe('readName', () => {
  const cases: [what: string, bytes: Buffer, name: string][] = [
    ['a plain name', wire('kubernetes', 'default', 'svc', 'cluster', 'local'), 'kubernetes.default.svc.cluster.local.'],
    ['the root', Buffer.from([0]), '.'],
    ['upper case kept', wire('Web', 'EXAMPLE'), 'Web.EXAMPLE.'],
    ['a dot inside a label', wire('a.b', 'c'), 'a\\.b.c.'],
    ['a backslash inside a label', wire('a\\b', 'c'), 'a\\\\b.c.'],
    ['a space and bytes past ASCII', wire([0x20, 0x41, 0x7f, 0xff]), '\\032A\\127\\255.'],
    ['a 63-byte label', wire(label63), `${label63}.`],
    // 3 labels of 63 and one of 61: 4 * 64 - 2 + 1 = 255 bytes, the longest name.
    ['a name of 255 bytes', wire(label63, label63, label63, 'b'.repeat(61)), `${label63}.${label63}.${label63}.${'b'.repeat(61)}.`],
    ['a 255-byte name with an escape', wire(label63, label63, label63, `.${'b'.repeat(60)}`), `${label63}.${label63}.${label63}.\\.${'b'.repeat(60)}.`],
  ];
  for (const [what, bytes, name] of cases) {
    it(what, () => {
      const r = new Reader(bytes, 0);
      expect(readName(r)).to.equal(name);
      expect(r.pos).to.equal(bytes.length);
    });
  }

  it('follows a compression pointer and resumes after it', () => {
    const msg = Buffer.concat([wire('example', 'org'), Buffer.from([3, 0x77, 0x77, 0x77, 0xc0, 0x00]), Buffer.from([9])]);
    const r = new Reader(msg, 13);
    expect(readName(r)).to.equal('www.example.org.');
    expect(r.pos).to.equal(19);
  });

  const bad: [what: string, bytes: Buffer][] = [
    ['a name of 256 bytes', wire(label63, label63, label63, 'b'.repeat(62))],
    ['a 64-byte label', Buffer.concat([Buffer.from([64]), Buffer.alloc(64, 0x61), Buffer.from([0])])],
    ['a name cut short', wire('example', 'org').subarray(0, 8)],
    ['no root byte', wire('example').subarray(0, 8)],
    ['a forward pointer', Buffer.from([0xc0, 0x05, 0, 0, 0, 0])],
  ];
  for (const [what, bytes] of bad) {
    it(`refuses ${what}`, () => expect(() => readName(new Reader(bytes, 0))).to.throw(WireError));
  }
});

describe('isSubdomain', () => {
  const cases: [name: string, zone: string, within: boolean][] = [
    ['a.cluster.local.', 'cluster.local.', true],
    ['cluster.local.', 'cluster.local.', true],
    ['acluster.local.', 'cluster.local.', false],
    ['a\\.cluster.local.', 'cluster.local.', false],
    ['a\\\\.cluster.local.', 'cluster.local.', true],
    ['anything.', '.', true],
  ];
  for (const [name, zone, within] of cases) it(`${name} in ${zone}: ${within}`, () => expect(isSubdomain(name, zone)).to.equal(within));
});
