import { expect } from 'chai';
import { pino } from 'pino';
import { Type } from '../../../src/dns/constants.js';
import { makeRequest } from '../../../src/dns/query.js';
import { Loop } from '../../../src/plugins/loop/loop.js';
import { parse } from '../../../src/plugins/loop/setup.js';
import { answering, testCtx } from '../../support/chain.js';
import { line } from '../../support/lines.js';
import { expectSetupError } from '../../support/setup.js';

const quiet = pino({ level: 'silent' });
const FROM = { proto: 'udp' as const, remoteAddress: '::ffff:127.0.0.1', remotePort: 40001, localPort: 1053 };

function loop(zone: string, upstreams = ''): { l: Loop; fatal: string[] } {
  const fatal: string[] = [];
  const l = new Loop({ zone, port: 1053, upstreams: () => upstreams, fatal: (m) => fatal.push(m) }, quiet);
  return { l, fatal };
}

describe('loop setup', () => {
  it('"loop"', () => {
    expect(() => parse(line('loop'))).to.not.throw();
  });
  it('"loop 3" is an error', () => {
    expectSetupError(() => parse(line('loop 3')), 1, 'plugin/loop: loop takes 0 arguments, got 1');
  });
  it('"loop {...}" is an error', () => {
    expectSetupError(() => parse(line('loop {\n}')), 1, 'plugin/loop: loop takes no block');
  });
});

describe('loop handler', () => {
  it('probes a random name under the first zone of the block', () => {
    expect(loop('.').l.probeName).to.match(/^\d+\.\d+\.$/);
    expect(loop('example.org.').l.probeName).to.match(/^\d+\.\d+\.example\.org\.$/);
    expect(loop('.').l.probeName).to.not.equal(loop('.').l.probeName);
  });

  it('passes every query on, and stops the server at the third sighting of its probe', async () => {
    const { l, fatal } = loop('.', '127.0.0.53:53 (from /etc/resolv.conf)');
    const probe = makeRequest(l.probeName.toUpperCase(), Type.HINFO, {}, FROM);
    const other = makeRequest('example.org.', Type.HINFO, {}, FROM);
    for (let i = 0; i < 5; i++) await l.serve(testCtx, other, answering());
    await l.serve(testCtx, probe, answering());
    await l.serve(testCtx, probe, answering());
    expect(fatal).to.deep.equal([]);
    await l.serve(testCtx, probe, answering());
    expect(fatal).to.have.length(1);
    expect(fatal[0]).to.equal(`Loop (127.0.0.1:40001 -> :1053) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. ` +
      `Query: "HINFO ${l.probeName}"; this server block forwards to 127.0.0.53:53 (from /etc/resolv.conf): one of them sends ` +
      `queries back to this server (a loopback address such as 127.0.0.53 from the node's /etc/resolv.conf is this server itself in a pod)`);
    await l.serve(testCtx, probe, answering());
    expect(fatal, 'once').to.have.length(1);
  });

  it('ignores its probe name with another type, and everything once disabled', async () => {
    const { l, fatal } = loop('.');
    for (let i = 0; i < 5; i++) await l.serve(testCtx, makeRequest(l.probeName, Type.A, {}, FROM), answering());
    l.disabled = true;
    for (let i = 0; i < 5; i++) await l.serve(testCtx, makeRequest(l.probeName, Type.HINFO, {}, FROM), answering());
    expect(fatal).to.deep.equal([]);
  });
});
