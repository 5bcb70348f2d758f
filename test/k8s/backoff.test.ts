// Backoff: delays double from the base to the maximum, jittered within [d/2, d].

import { expect } from 'chai';
import { Backoff } from '../../src/k8s/backoff.js';

describe('k8s backoff', () => {
  const cases: { name: string; random: number; calls: number; want: number[] }[] = [
    { name: 'no jitter: the upper bound doubles to the maximum', random: 1, calls: 6, want: [100, 200, 400, 800, 1000, 1000] },
    { name: 'full jitter: half of each bound', random: 0, calls: 4, want: [50, 100, 200, 400] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const b = new Backoff(100, 1000, () => c.random);
      expect(Array.from({ length: c.calls }, () => b.next())).to.deep.equal(c.want);
    });
  }

  it('reset() starts again from the base', () => {
    const b = new Backoff(100, 1000, () => 1);
    b.next(); b.next(); b.next();
    b.reset();
    expect(b.next()).to.equal(100);
  });

  it('stays within [d/2, d] with a real random source', () => {
    const b = new Backoff(100, 400);
    for (const bound of [100, 200, 400, 400, 400]) {
      const d = b.next();
      expect(d).to.be.within(bound / 2, bound);
    }
  });
});
