import { expect } from 'chai';
import { parse } from '../../../src/plugins/whoami/setup.js';
import { line } from '../../support/lines.js';
import { expectSetupError } from '../../support/setup.js';

describe('whoami setup', () => {
  it('"whoami"', () => {
    expect(() => parse(line('whoami'))).to.not.throw();
  });

  const bad: { corefile: string; line: number; msg: string }[] = [
    { corefile: 'whoami example.org', line: 1, msg: 'whoami takes 0 arguments, got 1' },
    { corefile: 'whoami {\n  foo\n}', line: 1, msg: 'whoami takes no block' },
  ];
  for (const c of bad) {
    it(`${JSON.stringify(c.corefile)} is an error`, () => {
      expectSetupError(() => parse(line(c.corefile)), c.line, `plugin/whoami: ${c.msg}`);
    });
  }
});
