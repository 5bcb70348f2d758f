import { expect } from 'chai';
import { secondsText } from '../../../src/plugins/log/format.js';

describe('log {duration}', () => {
  const cases: [bigint, string][] = [
    [0n, '0s'],
    [134_000n, '0.000134s'],
    [1n, '0.000000001s'],
    [1_500_000_000n, '1.5s'],
    [12_000_000_000n, '12s'],
  ];
  for (const [ns, want] of cases) {
    it(`${ns}ns -> ${want}`, () => {
      expect(secondsText(ns)).to.equal(want);
    });
  }
});
