// A big answer (a headless service with 60 endpoints, ~1 KB) against the UDP size
// rules: TC=1 over UDP without EDNS, the full answer over TCP, and the retry that
// dig, kdig and the dns2 library make on their own.

import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { Rcode } from '../../src/dns/constants.js';
import { dig, query } from '../support/dns.js';
import { startKdns, type KdnsProcess } from '../support/kdns.js';

const ENDPOINTS = 60;
const NAME = 'big.default.svc.cluster.local.';

const FIXTURE = JSON.stringify({
  apiVersion: 'v1', kind: 'List', items: [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'big', namespace: 'default' },
      spec: { clusterIP: 'None', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } },
    { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: { name: 'big-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'big' } },
      addressType: 'IPv4', ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
      endpoints: Array.from({ length: ENDPOINTS }, (_, i) => ({ addresses: [`10.244.1.${i + 1}`] })) },
  ],
});

const COREFILE = `cluster.local {
  kubernetes {
    fixture state.json
  }
}
`;

function kdig(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('kdig', ['@127.0.0.1', '-p', String(port), ...args], { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err && !stdout) reject(new Error(stderr || err.message));
      else resolve(stdout);
    });
  });
}

describe('truncation and TCP retry (end to end)', function () {
  this.timeout(30_000);
  let kdns: KdnsProcess;
  before(async () => { kdns = await startKdns(COREFILE, { files: { 'state.json': FIXTURE }, probe: NAME }); });
  after(async () => { await kdns.stop(); });

  it('sets TC=1 over UDP without EDNS, keeping the question and the rcode', async () => {
    const msg = await query(kdns.port, NAME, 'A');
    expect(msg.tc).to.equal(true);
    expect(msg.aa).to.equal(true);
    expect(msg.rcode).to.equal(Rcode.NOERROR);
    expect(msg.answer).to.have.length(0);
    expect(msg.question[0]!.name).to.equal(NAME);
  });

  it('sets TC=1 when the EDNS size is too small, and not when it is enough', async () => {
    expect((await query(kdns.port, NAME, 'A', { udpSize: 600 })).tc).to.equal(true);
    const whole = await query(kdns.port, NAME, 'A', { udpSize: 1232 });
    expect(whole.tc).to.equal(false);
    expect(whole.answer).to.have.length(ENDPOINTS);
  });

  it('answers in full over TCP', async () => {
    const msg = await query(kdns.port, NAME, 'A', { tcp: true });
    expect(msg.tc).to.equal(false);
    expect(msg.answer).to.have.length(ENDPOINTS);
  });

  it('dig +noedns sees the truncation and retries over TCP', async () => {
    const truncated = await dig(kdns.port, ['+noedns', '+ignore', NAME, 'A']);
    expect(truncated).to.match(/flags: qr aa tc rd;/);
    const retried = await dig(kdns.port, ['+noedns', NAME, 'A']);
    expect(retried).to.match(/Truncated, retrying in TCP mode/);
    expect(retried).to.match(new RegExp(`ANSWER: ${ENDPOINTS},`));
    expect(retried).to.match(/\(TCP\)/);
  });

  it('kdig +noedns retries over TCP too', async () => {
    const out = await kdig(kdns.port, ['+noedns', NAME, 'A']);
    expect(out).to.match(new RegExp(`ANSWER: ${ENDPOINTS};`));
    expect(out).to.match(/TCP/);
  });
});
