// The handler's answer cache: a repeated question costs a lookup, a change in the
// cluster state shows in the very next answer, upstream-dependent answers are never kept.

import { expect } from 'chai';
import { Rcode, Type } from '../../../src/dns/constants.js';
import { decodeMessage } from '../../../src/dns/decode.js';
import { encodeResponse } from '../../../src/dns/encode.js';
import { makeRequest } from '../../../src/dns/query.js';
import { recordText } from '../../../src/dns/records.js';
import type { Next } from '../../../src/plugins/plugin.js';
import { testCtx } from '../../support/chain.js';
import { storeFrom } from './cluster.js';
import { ask, handlerFor, toNext, upstreamCtx } from './serve.js';
import { MAIN_DIRECTIVE } from './table.js';

const SVC1 = 'svc1.testns.svc.cluster.local.';

function answers(msg: { answer: Parameters<typeof recordText>[0][] }): string[] {
  return msg.answer.map((r) => recordText(r).split('\t').join(' '));
}

describe('kubernetes handler', () => {
  it('answers a repeated question with the same Response, so the wire bytes are reused', async () => {
    const h = handlerFor(MAIN_DIRECTIVE, storeFrom());
    const req = makeRequest(SVC1, Type.A, { id: 1 });
    const first = await h.serve(testCtx, req, toNext);
    const wire1 = encodeResponse(first, req);
    const memo = first.wire;
    const again = makeRequest(SVC1, Type.A, { id: 2 });
    const second = await h.serve(testCtx, again, toNext);
    expect(second).to.equal(first);
    const wire2 = encodeResponse(second, again);
    expect(second.wire, 'the encoded body is kept on the Response').to.equal(memo);
    expect(wire2.subarray(2)).to.deep.equal(wire1.subarray(2));
    expect(wire2.readUInt16BE(0)).to.equal(2);
  });

  it('echoes each query\'s case from one kept answer', async () => {
    const h = handlerFor(MAIN_DIRECTIVE, storeFrom());
    expect(answers(await ask(h, 'SVC1.testns.svc.cluster.local.', 'A'))).to.deep.equal(['SVC1.testns.svc.cluster.local. 5 IN A 10.0.0.1']);
    expect(answers(await ask(h, 'svc1.TESTNS.svc.cluster.local.', 'A'))).to.deep.equal(['svc1.TESTNS.svc.cluster.local. 5 IN A 10.0.0.1']);
  });

  it('shows a change in the cluster state in the very next answer', async () => {
    const store = storeFrom();
    const h = handlerFor(MAIN_DIRECTIVE, store);
    const name = 'new.testns.svc.cluster.local.';
    expect((await ask(h, name, 'A')).rcode).to.equal(Rcode.NXDOMAIN);
    store.upsertService({ namespace: 'testns', name: 'new', kind: 'ClusterIP', clusterIPs: ['10.0.0.99'], externalName: '', ports: [] });
    expect(answers(await ask(h, name, 'A'))).to.deep.equal([`${name} 5 IN A 10.0.0.99`]);
    store.upsertService({ namespace: 'testns', name: 'new', kind: 'ClusterIP', clusterIPs: ['10.0.0.100'], externalName: '', ports: [] });
    expect(answers(await ask(h, name, 'A'))).to.deep.equal([`${name} 5 IN A 10.0.0.100`]);
    store.removeService('testns', 'new');
    expect((await ask(h, name, 'A')).rcode).to.equal(Rcode.NXDOMAIN);
  });

  it('carries the new serial in the SOA after a change', async () => {
    const store = storeFrom();
    const h = handlerFor(MAIN_DIRECTIVE, store);
    const before = (await ask(h, 'cluster.local.', 'SOA')).answer[0]!;
    store.removeService('testns', 'svc1');
    const after = (await ask(h, 'cluster.local.', 'SOA')).answer[0]!;
    expect(recordText(after)).to.not.equal(recordText(before));
    expect(recordText(after)).to.contain(` ${store.serial} `);
  });

  it('does not keep answers that went through ctx.resolve', async () => {
    const h = handlerFor(MAIN_DIRECTIVE, storeFrom());
    const ctx = upstreamCtx();
    const req = makeRequest('ext.testns.svc.cluster.local.', Type.A);
    const first = await h.serve(ctx, req, toNext);
    const second = await h.serve(ctx, req, toNext);
    expect(ctx.calls).to.equal(2);
    expect(second).to.not.equal(first);
    expect(decodeMessage(encodeResponse(second, req)).answer).to.have.length(2);
  });

  it('passes names outside its zones to the next plugin', async () => {
    const h = handlerFor('kubernetes cluster.local', storeFrom());
    let called = 0;
    const next: Next = (ctx, req) => { called++; return toNext(ctx, req); };
    const msg = await ask(h, 'example.org.', 'A', testCtx, next);
    expect(called).to.equal(1);
    expect(answers(msg)).to.deep.equal(['example.org. 0 IN TXT "next"']);
  });
});
