import { expect } from 'chai';
import type { HealthConfig } from '../../../src/plugins/health/health.js';
import { parse } from '../../../src/plugins/health/setup.js';
import { line } from '../../support/lines.js';
import { expectSetupError } from '../../support/setup.js';

describe('health setup', () => {
  const good: { corefile: string; want: HealthConfig }[] = [
    { corefile: 'health', want: { address: ':8080', lameduck: 0 } },
    { corefile: 'health localhost:8091', want: { address: 'localhost:8091', lameduck: 0 } },
    { corefile: 'health [::1]:8080', want: { address: '[::1]:8080', lameduck: 0 } },
    { corefile: 'health {\n  lameduck 5s\n}', want: { address: ':8080', lameduck: 5000 } },
    { corefile: 'health :8081 {\n  lameduck 1m30s\n}', want: { address: ':8081', lameduck: 90_000 } },
  ];
  for (const c of good) {
    it(JSON.stringify(c.corefile), () => {
      expect(parse(line(c.corefile))).to.deep.equal(c.want);
    });
  }

  const bad: { corefile: string; line: number; msg: string }[] = [
    { corefile: 'health :8080 :8081', line: 1, msg: 'health takes 0 to 1 argument, got 2' },
    { corefile: 'health 8080', line: 1, msg: "bad address '8080'" },
    { corefile: 'health :99999', line: 1, msg: "bad port in ':99999'" },
    { corefile: 'health {\n  lameduck\n}', line: 2, msg: 'lameduck takes 1 argument, got 0' },
    { corefile: 'health {\n  lameduck 5x\n}', line: 2, msg: "unable to parse lameduck duration value: '5x'" },
    { corefile: 'health {\n  lameduck 5s\n  foo\n}', line: 3, msg: "unknown property 'foo'" },
  ];
  for (const c of bad) {
    it(`${JSON.stringify(c.corefile)} is an error`, () => {
      expectSetupError(() => parse(line(c.corefile)), c.line, `plugin/health: ${c.msg}`);
    });
  }
});
