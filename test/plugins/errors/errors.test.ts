import { expect } from 'chai';
import { Rcode, Type } from '../../../src/dns/constants.js';
import { Response } from '../../../src/dns/message.js';
import { makeRequest } from '../../../src/dns/query.js';
import { DnsError, WireError } from '../../../src/errors.js';
import { Errors, goDuration, type Consolidate, type ErrorsConfig, type Level } from '../../../src/plugins/errors/errors.js';
import { answering, failing, testCtx } from '../../support/chain.js';
import { later } from '../../../src/server/chain.js';

interface Logged { level: Level; msg: string; err?: unknown }

function errorsHandler(config: Partial<ErrorsConfig> = {}): { handler: Errors; out: Logged[] } {
  const out: Logged[] = [];
  const handler = new Errors({ consolidate: [], stacktrace: false, ...config }, (level, msg, err) => {
    out.push(err === undefined ? { level, msg } : { level, msg, err });
  });
  return { handler, out };
}

/** Runs a query whose chain fails with `err`; the error must come back unchanged. */
async function fail(handler: Errors, err: unknown, qname = 'example.org.', qtype: number = Type.A): Promise<void> {
  let got: unknown;
  await later(() => handler.serve(testCtx, makeRequest(qname, qtype), failing(err))).catch((e: unknown) => { got = e; });
  expect(got).to.equal(err);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('errors', () => {
  it('passes answers through without logging', async () => {
    const { handler, out } = errorsHandler();
    const resp = new Response(Rcode.SERVFAIL);
    expect(await handler.serve(testCtx, makeRequest('example.org.', Type.A), answering(resp))).to.equal(resp);
    expect(out).to.deep.equal([]);
  });

  const logged: { name: string; err: unknown; qname?: string; qtype?: number; want: string }[] = [
    { name: 'a DnsError with its rcode and the lower-case name', err: new DnsError(Rcode.SERVFAIL, 'read udp 10.0.0.1:53: i/o timeout'),
      qname: 'Example.ORG.', want: '[ERROR] plugin/errors: 2 example.org. A: read udp 10.0.0.1:53: i/o timeout' },
    { name: 'REFUSED', err: new DnsError(Rcode.REFUSED, 'too many queries'), qtype: Type.AAAA,
      want: '[ERROR] plugin/errors: 5 example.org. AAAA: too many queries' },
    { name: 'any other error as SERVFAIL', err: new TypeError('x is undefined'), want: '[ERROR] plugin/errors: 2 example.org. A: x is undefined' },
    { name: 'a thrown non-Error', err: 'oops', want: '[ERROR] plugin/errors: 2 example.org. A: oops' },
  ];
  for (const c of logged) {
    it(`logs ${c.name} and re-throws it`, async () => {
      const { handler, out } = errorsHandler();
      await fail(handler, c.err, c.qname, c.qtype);
      expect(out).to.deep.equal([{ level: 'error', msg: c.want }]);
    });
  }

  it('does not log a DnsError without a message (a plain rcode)', async () => {
    const { handler, out } = errorsHandler();
    await fail(handler, new DnsError(Rcode.REFUSED, ''));
    expect(out).to.deep.equal([]);
  });

  it('logs the stack of bugs, not of KdnsErrors, with panicRecoveryStacktrace', async () => {
    const { handler, out } = errorsHandler({ stacktrace: true });
    const bug = new TypeError('x is undefined');
    await fail(handler, bug);
    await fail(handler, new WireError('response larger than 65535 bytes'));
    expect(out.map((l) => l.err)).to.deep.equal([bug, undefined]);
  });

  describe('consolidate', () => {
    const timeout: Consolidate = { period: 40, regexp: 'timeout$', pattern: /timeout$/, level: 'warn' };
    const anything: Consolidate = { period: 40, regexp: '.', pattern: /./, level: 'info' };

    it('counts matching errors and reports them once per period', async () => {
      const { handler, out } = errorsHandler({ consolidate: [timeout] });
      for (let i = 0; i < 3; i++) await fail(handler, new DnsError(Rcode.SERVFAIL, 'i/o timeout'));
      await fail(handler, new DnsError(Rcode.SERVFAIL, 'connection refused'));
      expect(out.map((l) => l.msg)).to.deep.equal(['[ERROR] plugin/errors: 2 example.org. A: connection refused']);
      await sleep(80);
      expect(out.slice(1)).to.deep.equal([{ level: 'warn', msg: "[WARNING] plugin/errors: 3 errors like 'timeout$' occurred in last 40ms" }]);
      await fail(handler, new DnsError(Rcode.SERVFAIL, 'i/o timeout'));
      await sleep(80);
      expect(out.slice(2).map((l) => l.msg)).to.deep.equal(["[WARNING] plugin/errors: 1 errors like 'timeout$' occurred in last 40ms"]);
    });

    it('gives an error to the first pattern that matches', async () => {
      const { handler, out } = errorsHandler({ consolidate: [timeout, anything] });
      await fail(handler, new DnsError(Rcode.SERVFAIL, 'i/o timeout'));
      await fail(handler, new DnsError(Rcode.SERVFAIL, 'refused'));
      await sleep(80);
      expect(out.map((l) => l.msg).sort()).to.deep.equal([
        "[INFO] plugin/errors: 1 errors like '.' occurred in last 40ms",
        "[WARNING] plugin/errors: 1 errors like 'timeout$' occurred in last 40ms",
      ]);
    });

    it('reports the counts at stop, and logs each error after it', async () => {
      const { handler, out } = errorsHandler({ consolidate: [{ ...timeout, period: 60_000 }] });
      await fail(handler, new DnsError(Rcode.SERVFAIL, 'i/o timeout'));
      handler.stop();
      await fail(handler, new DnsError(Rcode.SERVFAIL, 'i/o timeout'));
      expect(out.map((l) => l.msg)).to.deep.equal([
        "[WARNING] plugin/errors: 1 errors like 'timeout$' occurred in last 1m0s",
        '[ERROR] plugin/errors: 2 example.org. A: i/o timeout',
      ]);
    });
  });
});

describe('errors: Go durations', () => {
  const cases: [number, string][] = [
    [0, '0s'], [30_000, '30s'], [300_000, '5m0s'], [3_600_000, '1h0m0s'], [5_400_000, '1h30m0s'],
    [61_250, '1m1.25s'], [1500, '1.5s'], [300, '300ms'], [0.0015, '1.5µs'], [0.000001, '1ns'],
  ];
  for (const [ms, want] of cases) {
    it(`${ms}ms -> ${want}`, () => {
      expect(goDuration(ms)).to.equal(want);
    });
  }
});
