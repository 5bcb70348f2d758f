// forward when upstreams fail: down (killed), slow (SIGSTOP), flapping; health
// checks mark them down after max_fails and up again; the client always gets an
// answer within the deadline, never silence.

import { expect } from 'chai';
import { Rcode } from '../../../src/dns/constants.js';
import type { Forward } from '../../../src/plugins/forward/forward.js';
import { QUERY_BUDGET_MS } from '../../../src/plugins/forward/exchange.js';
import { ATTEMPT_MIN_MS } from '../../../src/plugins/forward/upstream.js';
import { Dnsmasq } from '../../support/dnsmasq.js';
import { ask, setupForward, txt, until, } from './support.js';

describe('forward health (in process, dnsmasq upstreams)', function () {
  this.timeout(30_000);
  let a: Dnsmasq;
  let b: Dnsmasq;
  const open: Forward[] = [];

  function forward(corefile: string): Forward {
    const fwd = setupForward(corefile);
    open.push(fwd);
    return fwd;
  }

  beforeEach(async () => {
    [a, b] = await Promise.all([
      Dnsmasq.start({ args: ['--txt-record=who.test,a'] }),
      Dnsmasq.start({ args: ['--txt-record=who.test,b'] }),
    ]);
  });

  afterEach(async () => {
    for (const fwd of open.splice(0)) await fwd.close();
    await Promise.all([a.kill(), b.kill()]);
  });

  it('an upstream that is down (killed): SERVFAIL at once, not at the deadline', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port}`);
    await a.kill();
    const r = await ask(fwd, 'who.test.', 'TXT');
    expect(r.msg.rcode).to.equal(Rcode.SERVFAIL);
    expect(r.ms, 'ICMP port unreachable fails the attempt at once, long before the deadline').to.be.lessThan(QUERY_BUDGET_MS / 2);
  });

  it('an upstream that never answers (stopped): SERVFAIL at the deadline, measured', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port}`);
    a.pause();
    const r = await ask(fwd, 'who.test.', 'TXT');
    expect(r.msg.rcode).to.equal(Rcode.SERVFAIL);
    expect(r.ms).to.be.within(QUERY_BUDGET_MS - 50, QUERY_BUDGET_MS + 2000);
    // Retried within the budget (the same upstream: there is no other), each attempt counted.
    expect(fwd.upstreams[0]!.requests).to.be.greaterThan(1);
  });

  it('a slow upstream: the next one answers after one attempt timeout; down after max_fails, then skipped', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port} 127.0.0.1:${b.port} {\n  policy sequential\n  health_check 100ms\n}`);
    const [upA] = fwd.upstreams;
    a.pause();
    const first = await ask(fwd, 'who.test.', 'TXT');
    expect(txt(first.msg)).to.equal('b');
    expect(first.ms, 'after an attempt timeout, before the deadline').to.be.within(ATTEMPT_MIN_MS, QUERY_BUDGET_MS);
    await ask(fwd, 'who.test.', 'TXT');
    expect(upA!.down, 'down after 2 failures').to.equal(true);
    const sentToA = upA!.requests;
    const skipped = await ask(fwd, 'who.test.', 'TXT');
    expect(txt(skipped.msg)).to.equal('b');
    expect(upA!.requests, 'nothing sent to a down upstream').to.equal(sentToA);
    a.resume();
    expect(await until(() => !upA!.down), 'health check brings it back').to.equal(true);
    expect(txt((await ask(fwd, 'who.test.', 'TXT')).msg)).to.equal('a');
    expect(upA!.failures).to.equal(2);
  });

  it('a flapping upstream goes down and comes back, twice', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port} 127.0.0.1:${b.port} {\n  policy sequential\n  health_check 100ms\n}`);
    const [upA] = fwd.upstreams;
    for (let round = 0; round < 2; round++) {
      expect(txt((await ask(fwd, 'who.test.', 'TXT')).msg), `round ${round}: up`).to.equal('a');
      await a.kill();
      // Refused at once: the next upstream answers, with no wait.
      const r = await ask(fwd, 'who.test.', 'TXT');
      expect(txt(r.msg)).to.equal('b');
      expect(r.ms).to.be.lessThan(QUERY_BUDGET_MS / 2);
      expect(await until(() => upA!.down), `round ${round}: marked down`).to.equal(true);
      await a.run();
      expect(await until(() => !upA!.down), `round ${round}: back up`).to.equal(true);
    }
    expect(txt((await ask(fwd, 'who.test.', 'TXT')).msg)).to.equal('a');
  });

  it('health checks ask `health_check domain` with RD as configured', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port} {\n  health_check 100ms no_rec domain probe.example\n}`);
    await a.kill();
    await ask(fwd, 'who.test.', 'TXT');
    expect(await until(() => fwd.upstreams[0]!.healthcheckFailures > 0), 'probes fail while it is down').to.equal(true);
    await a.run();
    expect(await until(() => fwd.upstreams[0]!.fails === 0), 'a probe answered').to.equal(true);
    expect(a.queries('probe.example', 'NS')).to.be.greaterThan(0);
  });

  it('max_fails 0: never down, never checked', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port} {\n  max_fails 0\n  health_check 50ms\n}`);
    await a.kill();
    for (let i = 0; i < 4; i++) await ask(fwd, 'who.test.', 'TXT');
    expect(fwd.upstreams[0]!.down).to.equal(false);
    await new Promise((r) => setTimeout(r, 200));
    expect(fwd.upstreams[0]!.healthcheckFailures).to.equal(0);
  });

  it('all upstreams down: a random one is tried anyway (counted), or SERVFAIL at once with failfast', async () => {
    const tryAnyway = forward(`forward . 127.0.0.1:${a.port} {\n  health_check 10s\n}`);
    const failfast = forward(`forward . 127.0.0.1:${a.port} {\n  health_check 10s\n  failfast_all_unhealthy_upstreams\n}`);
    a.pause();
    await Promise.all([tryAnyway, failfast].map((fwd) => ask(fwd, 'who.test.', 'TXT')));
    for (const fwd of [tryAnyway, failfast]) expect(fwd.upstreams[0]!.down).to.equal(true);
    a.resume();
    const sent = failfast.upstreams[0]!.requests;
    const ff = await ask(failfast, 'who.test.', 'TXT');
    expect(ff.msg.rcode).to.equal(Rcode.SERVFAIL);
    expect(ff.ms).to.be.lessThan(QUERY_BUDGET_MS / 2);
    expect(failfast.upstreams[0]!.requests, 'nothing sent').to.equal(sent);
    const anyway = await ask(tryAnyway, 'who.test.', 'TXT');
    expect(txt(anyway.msg)).to.equal('a');
    expect(tryAnyway.healthcheckBroken).to.be.greaterThan(0);
    expect(tryAnyway.upstreams[0]!.down, 'an answer brings it back').to.equal(false);
  });

  it('close() lets the queries in flight finish (a reload replacing the plugin drops none)', async () => {
    const fwd = setupForward(`forward . 127.0.0.1:${a.port}`);
    a.pause();
    const inFlight = ask(fwd, 'who.test.', 'TXT');
    await until(() => fwd.inflight === 1);
    const closed = fwd.close();
    await new Promise((r) => setTimeout(r, 100));
    a.resume();
    expect(txt((await inFlight).msg)).to.equal('a');
    await closed;
    expect(fwd.upstreams[0]!.udp.open).to.equal(0);
  });

  it('drops a TCP connection that stopped answering, and opens a new one', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port} {\n  force_tcp\n  max_fails 0\n}`);
    expect(txt((await ask(fwd, 'who.test.', 'TXT')).msg)).to.equal('a');
    a.pause();
    const lost = await Promise.all(Array.from({ length: 8 }, (_, i) => ask(fwd, `lost${i}.who.test.`, 'TXT')));
    expect(lost.every((r) => r.msg.rcode === Rcode.SERVFAIL)).to.equal(true);
    a.resume();
    expect(txt((await ask(fwd, 'who.test.', 'TXT')).msg)).to.equal('a');
    expect(fwd.upstreams[0]!.tcp.opened).to.equal(2);
  });

  it('closes sockets and connections unused for `expire`', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port} {\n  expire 100ms\n}`);
    await ask(fwd, 'who.test.', 'TXT');
    await ask(fwd, 'who.test.', 'TXT', { proto: 'tcp' });
    const up = fwd.upstreams[0]!;
    expect(up.udp.open).to.be.greaterThan(0);
    expect(await until(() => up.udp.open === 0)).to.equal(true);
    expect(txt((await ask(fwd, 'who.test.', 'TXT', { proto: 'tcp' })).msg), 'a new connection after expiry').to.equal('a');
    expect(up.tcp.opened).to.equal(2);
  });
});
