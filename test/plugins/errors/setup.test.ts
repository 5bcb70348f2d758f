import { expect } from 'chai';
import { parse } from '../../../src/plugins/errors/setup.js';
import { line } from '../../support/lines.js';
import { expectSetupError } from '../../support/setup.js';

describe('errors setup', () => {
  /** Consolidate lines summarised as "period pattern level". */
  const good: { corefile: string; consolidate: string[]; stacktrace?: boolean }[] = [
    { corefile: 'errors', consolidate: [] },
    { corefile: 'errors stdout', consolidate: [] },
    {
      corefile: 'errors {\n  consolidate 5m ".* i/o timeout$" warning\n  consolidate 30s "^Failed to .+"\n}',
      consolidate: ['300000 .* i/o timeout$ warn', '30000 ^Failed to .+ error'],
    },
    { corefile: 'errors {\n  consolidate 1s x info\n  consolidate 1s y debug\n}', consolidate: ['1000 x info', '1000 y debug'] },
    { corefile: 'errors {\n  panicRecoveryStacktrace\n}', consolidate: [], stacktrace: true },
  ];
  for (const c of good) {
    it(JSON.stringify(c.corefile), () => {
      const cfg = parse(line(c.corefile));
      expect(cfg.consolidate.map((p) => `${p.period} ${p.regexp} ${p.level}`)).to.deep.equal(c.consolidate);
      expect(cfg.stacktrace).to.equal(c.stacktrace ?? false);
    });
  }

  const bad: { corefile: string; line: number; msg: string }[] = [
    { corefile: 'errors errors.log', line: 1, msg: 'invalid log file: errors.log' },
    { corefile: 'errors stdout stderr', line: 1, msg: 'errors takes 0 to 1 argument, got 2' },
    { corefile: 'errors {\n  consolidate 5m\n}', line: 2, msg: 'consolidate takes 2 to 3 arguments, got 1' },
    { corefile: 'errors {\n  consolidate 5x timeout\n}', line: 2, msg: "invalid duration '5x'" },
    { corefile: 'errors {\n  consolidate 5m (\n}', line: 2, msg: "invalid regexp '('" },
    { corefile: 'errors {\n  consolidate 5m timeout fatal\n}', line: 2, msg: 'unknown log level argument in consolidate: fatal' },
    { corefile: 'errors {\n  panicRecoveryStacktrace yes\n}', line: 2, msg: 'panicRecoveryStacktrace takes 0 arguments' },
    { corefile: 'errors {\n\n  foo\n}', line: 3, msg: "unknown property 'foo'" },
  ];
  for (const c of bad) {
    it(`${JSON.stringify(c.corefile)} is an error`, () => {
      expectSetupError(() => parse(line(c.corefile)), c.line, `plugin/errors: ${c.msg}`);
    });
  }
});
