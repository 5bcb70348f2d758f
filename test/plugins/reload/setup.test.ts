import { expect } from 'chai';
import type { ReloadConfig } from '../../../src/plugins/reload/reload.js';
import { Reload } from '../../../src/plugins/reload/reload.js';
import { parse } from '../../../src/plugins/reload/setup.js';
import { Instance } from '../../../src/server/instance.js';
import { line } from '../../support/lines.js';
import { expectSetupError } from '../../support/setup.js';

describe('reload setup', () => {
  const good: { corefile: string; want: ReloadConfig }[] = [
    { corefile: 'reload', want: { interval: 30_000, jitter: 15_000 } },
    // CoreDNS: a jitter of more than half the interval is cut to half.
    { corefile: 'reload 10s', want: { interval: 10_000, jitter: 5_000 } },
    { corefile: 'reload 1m 10s', want: { interval: 60_000, jitter: 10_000 } },
    { corefile: 'reload 2s 0s', want: { interval: 2_000, jitter: 0 } },
    // kdns: 1 s intervals and sub-second jitters (CoreDNS wants 2 s and 1 s).
    { corefile: 'reload 1s 100ms', want: { interval: 1_000, jitter: 100 } },
  ];
  for (const c of good) {
    it(JSON.stringify(c.corefile), () => {
      expect(parse(line(c.corefile))).to.deep.equal(c.want);
    });
  }

  const bad: { corefile: string; line: number; msg: string }[] = [
    { corefile: 'reload 1s 1s 1s', line: 1, msg: 'reload takes 0 to 2 arguments, got 3' },
    { corefile: 'reload 500ms', line: 1, msg: 'interval value must be greater or equal to 1s' },
    { corefile: 'reload ten', line: 1, msg: "invalid interval 'ten'" },
    { corefile: 'reload 10s x', line: 1, msg: "invalid jitter 'x'" },
    { corefile: 'reload {\n  foo\n}', line: 1, msg: 'reload takes no block' },
  ];
  for (const c of bad) {
    it(`${JSON.stringify(c.corefile)} is an error`, () => {
      expectSetupError(() => parse(line(c.corefile)), c.line, `plugin/reload: ${c.msg}`);
    });
  }

  it('checks every INTERVAL ± JITTER/2', () => {
    const r = new Reload(new Instance(), { interval: 10_000, jitter: 4_000 });
    expect(r.period(0)).to.equal(8_000);
    expect(r.period(0.5)).to.equal(10_000);
    expect(r.period(0.999)).to.be.closeTo(11_996, 1);
  });
});
