import { expect } from 'chai';
import { COMMON_FORMAT } from '../../../src/plugins/log/format.js';
import type { Rule } from '../../../src/plugins/log/log.js';
import { parse } from '../../../src/plugins/log/setup.js';
import { line } from '../../support/lines.js';
import { expectSetupError } from '../../support/setup.js';

const rule = (r: Partial<Rule>): Rule => ({ names: ['.'], format: COMMON_FORMAT, classes: null, minDuration: 0, ...r });

describe('log setup', () => {
  const good: { corefile: string; want: Rule }[] = [
    { corefile: 'log', want: rule({}) },
    { corefile: 'log Example.ORG', want: rule({ names: ['example.org.'] }) },
    { corefile: 'log example.org. {common}', want: rule({ names: ['example.org.'], format: '{common}' }) },
    { corefile: 'log example.org example.net {combined}', want: rule({ names: ['example.org.', 'example.net.'], format: '{combined}' }) },
    { corefile: 'log . "{proto} Request: {name} {type} {>id}"', want: rule({ format: '{proto} Request: {name} {type} {>id}' }) },
    // kdns reads a lone argument with a placeholder as the format (CoreDNS takes it for a name and logs nothing).
    { corefile: 'log {combined}', want: rule({ format: '{combined}' }) },
    { corefile: 'log example.org {\n  class denial\n}', want: rule({ names: ['example.org.'], classes: new Set(['denial']) }) },
    { corefile: 'log {\n  class denial error\n}', want: rule({ classes: new Set(['denial', 'error']) }) },
    { corefile: 'log {\n  class denial\n  class error\n}', want: rule({ classes: new Set(['denial', 'error']) }) },
    { corefile: 'log {\n  class all denial\n}', want: rule({}) },
    { corefile: 'log {\n  class success\n}', want: rule({ classes: new Set(['success']) }) },
    { corefile: 'log {\n  minDuration\n}', want: rule({ minDuration: 100 }) },
    { corefile: 'log {\n  class error\n  minDuration 1s\n}', want: rule({ classes: new Set(['error']), minDuration: 1000 }) },
  ];
  for (const c of good) {
    it(JSON.stringify(c.corefile), () => {
      expect(parse(line(c.corefile))).to.deep.equal(c.want);
    });
  }

  const bad: { corefile: string; line: number; msg: string }[] = [
    { corefile: 'log {\n  class abracadabra\n}', line: 2, msg: 'invalid Class: abracadabra' },
    { corefile: 'log {\n  class\n}', line: 2, msg: 'class takes at least 1 argument' },
    { corefile: 'log {\n  minDuration 123abc\n}', line: 2, msg: "Illegal duration found: '123abc'" },
    { corefile: 'log {\n  minDuration 1s 2s\n}', line: 2, msg: 'minDuration takes 0 to 1 argument' },
    { corefile: 'log {\n  unknown\n}', line: 2, msg: "unknown property 'unknown'" },
  ];
  for (const c of bad) {
    it(`${JSON.stringify(c.corefile)} is an error`, () => {
      expectSetupError(() => parse(line(c.corefile)), c.line, `plugin/log: ${c.msg}`);
    });
  }
});
