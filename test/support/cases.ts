// Table-driven DNS cases, as CoreDNS's test.Case: records written as zone-file text.

import { expect } from 'chai';
import { rcodeName } from '../../src/dns/constants.js';
import type { Message } from '../../src/dns/decode.js';
import { recordText, type Rec } from '../../src/dns/records.js';

/** Write this in place of a TTL that a case does not pin down. */
export const ANY_TTL = '*';

export interface Case {
  qname: string;
  qtype: string;
  /** Default NOERROR. */
  rcode?: string;
  answer?: string[];
  ns?: string[];
  extra?: string[];
  /** Checked when given. */
  aa?: boolean;
}

/** Fields of a record text: owner, ttl, class, type, then the RDATA as one string. */
function fields(text: string): string[] {
  const parts = text.trim().split(/\s+/);
  return [...parts.slice(0, 4), parts.slice(4).join(' ')];
}

function sameRecord(want: string[], got: string[]): boolean {
  return want.every((w, i) => (i === 1 && w === ANY_TTL) || w === got[i]);
}

function checkSection(name: string, got: Rec[], want: string[] | undefined): void {
  const gotTexts = got.map((r) => fields(recordText(r)));
  const wantTexts = (want ?? []).map(fields);
  const show = (rs: string[][]): string => rs.map((r) => r.join(' ')).sort().join('\n    ');
  const msg = `${name} section\n  got:\n    ${show(gotTexts)}\n  want:\n    ${show(wantTexts)}`;
  expect(gotTexts.length, msg).to.equal(wantTexts.length);
  const left = [...gotTexts];
  for (const w of wantTexts) {
    const i = left.findIndex((g) => sameRecord(w, g));
    expect(i, msg).to.be.greaterThan(-1);
    left.splice(i, 1);
  }
}

export function checkCase(msg: Message, c: Case): void {
  expect(rcodeName(msg.rcode), `rcode of ${c.qname} ${c.qtype}`).to.equal(c.rcode ?? 'NOERROR');
  if (c.aa !== undefined) expect(msg.aa, 'AA flag').to.equal(c.aa);
  checkSection('answer', msg.answer, c.answer);
  checkSection('authority', msg.authority, c.ns);
  checkSection('additional', msg.additional, c.extra);
}

export function caseName(c: Case): string {
  return `${c.qname} ${c.qtype}`;
}
