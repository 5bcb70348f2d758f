import { expect } from 'chai';
import type { ReadyConfig } from '../../../src/plugins/ready/ready.js';
import { parse } from '../../../src/plugins/ready/setup.js';
import { line } from '../../support/lines.js';
import { expectSetupError } from '../../support/setup.js';

describe('ready setup', () => {
  const good: { corefile: string; want: ReadyConfig }[] = [
    { corefile: 'ready', want: { address: ':8181', monitor: 'until-ready' } },
    { corefile: 'ready localhost:8091', want: { address: 'localhost:8091', monitor: 'until-ready' } },
    { corefile: 'ready {\n  monitor continuously\n}', want: { address: ':8181', monitor: 'continuously' } },
    { corefile: 'ready :8182 {\n  monitor until-ready\n}', want: { address: ':8182', monitor: 'until-ready' } },
  ];
  for (const c of good) {
    it(JSON.stringify(c.corefile), () => {
      expect(parse(line(c.corefile))).to.deep.equal(c.want);
    });
  }

  const bad: { corefile: string; line: number; msg: string }[] = [
    { corefile: 'ready :8181 :8182', line: 1, msg: 'ready takes 0 to 1 argument, got 2' },
    { corefile: 'ready localhost', line: 1, msg: "bad address 'localhost'" },
    { corefile: 'ready {\n  monitor\n}', line: 2, msg: 'monitor takes 1 argument, got 0' },
    { corefile: 'ready {\n  monitor sometimes\n}', line: 2, msg: "monitor takes until-ready or continuously, got 'sometimes'" },
    { corefile: 'ready {\n  lameduck 5s\n}', line: 2, msg: "unknown property 'lameduck'" },
  ];
  for (const c of bad) {
    it(`${JSON.stringify(c.corefile)} is an error`, () => {
      expectSetupError(() => parse(line(c.corefile)), c.line, `plugin/ready: ${c.msg}`);
    });
  }
});
