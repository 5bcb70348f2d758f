import { expect } from 'chai';
import { parse } from '../../../src/plugins/loadbalance/setup.js';
import { line } from '../../support/lines.js';
import { expectSetupError } from '../../support/setup.js';

describe('loadbalance setup', () => {
  for (const corefile of ['loadbalance', 'loadbalance round_robin']) {
    it(corefile, () => {
      expect(() => parse(line(corefile))).to.not.throw();
    });
  }

  const bad: { corefile: string; line: number; msg: string }[] = [
    { corefile: 'loadbalance weighted /etc/weights', line: 1, msg: "the 'weighted' policy is not built into kdns" },
    { corefile: 'loadbalance random', line: 1, msg: 'unknown policy: random' },
    { corefile: 'loadbalance round_robin fast', line: 1, msg: "unknown property for round_robin: 'fast'" },
    { corefile: 'loadbalance {\n  prefer 10.0.0.0/8\n}', line: 1, msg: 'loadbalance takes no block' },
  ];
  for (const c of bad) {
    it(`${JSON.stringify(c.corefile)} is an error`, () => {
      expectSetupError(() => parse(line(c.corefile)), c.line, `plugin/loadbalance: ${c.msg}`);
    });
  }
});
