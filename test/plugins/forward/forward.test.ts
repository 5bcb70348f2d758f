// forward in process, against real dnsmasq upstreams: answers relayed, the
// client's ID, case and EDNS kept, TC then TCP, reused sockets, policies,
// except / next / failover, max_concurrent.

import { expect } from 'chai';
import { Rcode } from '../../../src/dns/constants.js';
import type { Forward } from '../../../src/plugins/forward/forward.js';
import { checkCase, type Case } from '../../support/cases.js';
import { bigTxt, Dnsmasq } from '../../support/dnsmasq.js';
import { ask, setupForward, txt, } from './support.js';

const A_ARGS = ['--address=/example.test/192.0.2.1', '--address=/nx.test/', '--txt-record=who.test,a',
  '--host-record=www.multi.test,192.0.2.10,2001:db8::10', '--host-record=v4only.test,192.0.2.20', '--local=/v4only.test/', ...bigTxt('big.example.test')];

describe('forward (in process, dnsmasq upstreams)', function () {
  this.timeout(20_000);
  let a: Dnsmasq;
  let b: Dnsmasq;
  const open: Forward[] = [];

  function forward(corefile: string): Forward {
    const fwd = setupForward(corefile);
    open.push(fwd);
    return fwd;
  }

  before(async () => {
    [a, b] = await Promise.all([
      Dnsmasq.start({ args: A_ARGS }),
      Dnsmasq.start({ args: ['--txt-record=who.test,b', '--txt-record=only-b.test,b'] }),
    ]);
  });

  afterEach(async () => {
    for (const fwd of open.splice(0)) await fwd.close();
  });

  after(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
  });

  const cases: Case[] = [
    { qname: 'www.example.test.', qtype: 'A', answer: ['www.example.test. 300 IN A 192.0.2.1'] },
    { qname: 'deep.er.example.test.', qtype: 'A', answer: ['deep.er.example.test. 300 IN A 192.0.2.1'] },
    { qname: 'v4only.test.', qtype: 'AAAA' },
    { qname: 'www.multi.test.', qtype: 'A', answer: ['www.multi.test. 300 IN A 192.0.2.10'] },
    { qname: 'www.multi.test.', qtype: 'AAAA', answer: ['www.multi.test. 300 IN AAAA 2001:db8::10'] },
    { qname: 'who.test.', qtype: 'TXT', answer: ['who.test. 300 IN TXT "a"'] },
    { qname: 'gone.nx.test.', qtype: 'A', rcode: 'NXDOMAIN' },
    { qname: 'unknown.invalid.', qtype: 'A', rcode: 'REFUSED' },
  ];
  for (const proto of ['udp', 'tcp'] as const) {
    for (const c of cases) {
      it(`${c.qname} ${c.qtype} over ${proto}`, async () => {
        const fwd = forward(`forward . 127.0.0.1:${a.port}`);
        checkCase((await ask(fwd, c.qname, c.qtype, { proto })).msg, c);
      });
    }
  }

  it("keeps the client's ID, question case and EDNS (DO) and adds nothing", async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port}`);
    const withEdns = await ask(fwd, 'WwW.ExAmple.TEST.', 'A', { id: 4242, udpSize: 1232, dnssecOk: true });
    expect(withEdns.msg.id).to.equal(4242);
    expect(withEdns.msg.question[0]!.name).to.equal('WwW.ExAmple.TEST.');
    expect(withEdns.msg.answer[0]!.name).to.equal('WwW.ExAmple.TEST.');
    expect(withEdns.msg.edns, 'dnsmasq echoes DO: it got the OPT as sent').to.deep.include({ dnssecOk: true });
    expect(withEdns.resp!.relayed, 'relayed bytes, not re-encoded').to.not.equal(undefined);
    expect(a.queries('WwW.ExAmple.TEST', 'A'), 'the upstream saw the exact case').to.be.greaterThan(0);
    const plain = await ask(fwd, 'www.example.test.', 'A', { id: 7 });
    expect(plain.msg.id).to.equal(7);
    expect(plain.msg.edns, 'no OPT added to a query without one').to.equal(null);
  });

  it('asks again over TCP when the UDP reply is truncated, and the client gets TC or the whole answer', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port}`);
    const before = a.queries('big.example.test', 'TXT');
    const udp = await ask(fwd, 'big.example.test.', 'TXT');
    expect(udp.resp!.answer, 'the whole answer came back over TCP').to.have.length(10);
    expect(udp.msg.tc, 'too big for the UDP client: TC').to.equal(true);
    expect(a.queries('big.example.test', 'TXT') - before, 'once over UDP, once over TCP').to.equal(2);
    expect(fwd.upstreams[0]!.tcp.opened).to.equal(1);
    const tcp = await ask(fwd, 'big.example.test.', 'TXT', { proto: 'tcp' });
    expect(tcp.msg.tc).to.equal(false);
    expect(tcp.msg.answer).to.have.length(10);
  });

  it('reuses a few UDP sockets and one TCP connection', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port}`);
    await Promise.all(Array.from({ length: 50 }, (_, i) => ask(fwd, `q${i}.example.test.`, 'A')));
    const up = fwd.upstreams[0]!;
    expect(up.udp.open).to.be.at.most(4);
    const tcpAnswers = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(fwd, `t${i}.example.test.`, 'A', { proto: 'tcp' })));
    expect(tcpAnswers.every((x) => x.msg.answer.length === 1)).to.equal(true);
    expect(up.tcp.opened, 'pipelined on one connection').to.equal(1);
    expect(up.requests).to.equal(70);
  });

  it('reports every relayed reply to the upstream observer (metrics), with its rcode', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port}`);
    const seen: number[] = [];
    fwd.upstreams[0]!.observe = (rcode, ms) => { expect(ms).to.be.at.least(0); seen.push(rcode); };
    await ask(fwd, 'www.example.test.', 'A');
    await ask(fwd, 'gone.nx.test.', 'A');
    expect(seen).to.deep.equal([Rcode.NOERROR, Rcode.NXDOMAIN]);
  });

  it('force_tcp sends everything over TCP, on one connection', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port} {\n  force_tcp\n}`);
    for (let i = 0; i < 5; i++) expect((await ask(fwd, `f${i}.example.test.`, 'A')).msg.answer).to.have.length(1);
    expect(fwd.upstreams[0]!.udp.open).to.equal(0);
    expect(fwd.upstreams[0]!.tcp.opened).to.equal(1);
  });

  it('prefer_udp asks over UDP for a TCP client', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port} {\n  prefer_udp\n}`);
    expect((await ask(fwd, 'p.example.test.', 'A', { proto: 'tcp' })).msg.answer).to.have.length(1);
    expect(fwd.upstreams[0]!.tcp.opened).to.equal(0);
  });

  it('policy sequential always asks the first healthy upstream', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port} 127.0.0.1:${b.port} {\n  policy sequential\n}`);
    const who = [];
    for (let i = 0; i < 6; i++) who.push(txt((await ask(fwd, 'who.test.', 'TXT')).msg));
    expect(who).to.deep.equal(['a', 'a', 'a', 'a', 'a', 'a']);
  });

  it('policy round_robin takes turns', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port} 127.0.0.1:${b.port} {\n  policy round_robin\n}`);
    const who = [];
    for (let i = 0; i < 6; i++) who.push(txt((await ask(fwd, 'who.test.', 'TXT')).msg));
    expect(who).to.deep.equal(['a', 'b', 'a', 'b', 'a', 'b']);
  });

  it('policy random (the default) uses every upstream', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port} 127.0.0.1:${b.port}`);
    const who = new Set();
    for (let i = 0; i < 40 && who.size < 2; i++) who.add(txt((await ask(fwd, 'who.test.', 'TXT')).msg));
    expect([...who].sort()).to.deep.equal(['a', 'b']);
  });

  it('passes names outside FROM and in except to the next plugin', async () => {
    const fwd = forward(`forward example.test 127.0.0.1:${a.port} {\n  except skip.example.test\n}`);
    expect((await ask(fwd, 'www.example.test.', 'A')).msg.aa, 'forwarded (dnsmasq: AA=1 for its config)').to.equal(true);
    expect((await ask(fwd, 'www.example.test.', 'A')).msg.answer).to.have.length(1);
    for (const name of ['who.test.', 'skip.example.test.', 'a.skip.example.test.']) {
      const { msg } = await ask(fwd, name, 'A');
      expect(msg.answer, name).to.have.length(0);
      expect(msg.aa, `${name} answered by next`).to.equal(true);
    }
    expect(a.queries('skip.example.test')).to.equal(0);
  });

  it('next NXDOMAIN hands NXDOMAIN to the next plugin, and keeps it when there is none', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port} {\n  next NXDOMAIN\n}`);
    const handed = await ask(fwd, 'gone.nx.test.', 'A');
    expect(handed.msg.rcode).to.equal(Rcode.NOERROR);
    expect(handed.msg.aa).to.equal(true);
    const kept = await ask(fwd, 'gone.nx.test.', 'A', { next: () => Promise.reject(new Error('end of chain')) });
    expect(kept.msg.rcode).to.equal(Rcode.NXDOMAIN);
    expect((await ask(fwd, 'www.example.test.', 'A')).msg.answer, 'other rcodes stay').to.have.length(1);
  });

  it('failover REFUSED tries the next upstream, and returns the last reply when all refuse', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port} 127.0.0.1:${b.port} {\n  policy sequential\n  failover REFUSED\n}`);
    const { msg } = await ask(fwd, 'only-b.test.', 'TXT');
    expect(txt(msg)).to.equal('b');
    expect((await ask(fwd, 'nobody.invalid.', 'A')).msg.rcode).to.equal(Rcode.REFUSED);
  });

  it('max_concurrent answers the excess REFUSED at once and counts it', async () => {
    const fwd = forward(`forward . 127.0.0.1:${a.port} {\n  max_concurrent 2\n}`);
    a.pause();
    try {
      const slow = [ask(fwd, 'c1.example.test.', 'A'), ask(fwd, 'c2.example.test.', 'A')];
      const over = await ask(fwd, 'c3.example.test.', 'A');
      expect(over.msg.rcode).to.equal(Rcode.REFUSED);
      expect(over.ms, 'at once, not after the paused upstream').to.be.lessThan(1000);
      expect(fwd.maxConcurrentRejects).to.equal(1);
      a.resume();
      for (const s of await Promise.all(slow)) expect(s.msg.answer).to.have.length(1);
      expect(fwd.inflight).to.equal(0);
    } finally {
      a.resume();
    }
  });
});
