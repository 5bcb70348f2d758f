import { expect } from 'chai';
import { parse } from '../../../src/plugins/timeouts/setup.js';
import { mergeLimits, DEFAULT_TCP_LIMITS } from '../../../src/server/tcp.js';
import { line } from '../../support/lines.js';
import { expectSetupError } from '../../support/setup.js';

describe('timeouts setup', () => {
  const good: { corefile: string; want: object }[] = [
    { corefile: 'timeouts {\n  read 2s\n}', want: { frameTimeoutMs: 2000 } },
    { corefile: 'timeouts {\n  read 1s\n  write 1m\n  idle 30\n}', want: { frameTimeoutMs: 1000, writeTimeoutMs: 60_000, idleTimeoutMs: 30_000 } },
    { corefile: 'timeouts {\n  idle 24h\n}', want: { idleTimeoutMs: 86_400_000 } },
  ];
  for (const c of good) {
    it(JSON.stringify(c.corefile), () => {
      expect(parse(line(c.corefile))).to.deep.equal(c.want);
    });
  }

  const bad: { corefile: string; line: number; msg: string }[] = [
    { corefile: 'timeouts', line: 1, msg: 'timeouts block with no timeouts specified' },
    { corefile: 'timeouts 5s', line: 1, msg: 'timeouts takes 0 arguments, got 1' },
    { corefile: 'timeouts {\n  read 500ms\n}', line: 2, msg: "timeout provided '500ms' needs to be between 1 second and 24 hours" },
    { corefile: 'timeouts {\n  idle 25h\n}', line: 2, msg: "timeout provided '25h' needs to be between 1 second and 24 hours" },
    { corefile: 'timeouts {\n  write soon\n}', line: 2, msg: "failed to parse timeout duration 'soon'" },
    { corefile: 'timeouts {\n  read\n}', line: 2, msg: 'read takes 1 argument, got 0' },
    { corefile: 'timeouts {\n  read 2s\n  dial 2s\n}', line: 3, msg: "unknown property 'dial'" },
  ];
  for (const c of bad) {
    it(`${JSON.stringify(c.corefile)} is an error`, () => {
      expectSetupError(() => parse(line(c.corefile)), c.line, `plugin/timeouts: ${c.msg}`);
    });
  }

  it('blocks sharing a port get the shortest of each timeout, the rest default', () => {
    const limits = mergeLimits([{ frameTimeoutMs: 2000 }, undefined, { frameTimeoutMs: 3000, idleTimeoutMs: 1000 }]);
    expect(limits).to.deep.equal({ ...DEFAULT_TCP_LIMITS, frameTimeoutMs: 2000, idleTimeoutMs: 1000 });
  });
});
