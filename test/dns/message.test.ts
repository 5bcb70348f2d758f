import { expect } from 'chai';
import { Rcode, Type } from '../../src/dns/constants.js';
import { decodeMessage } from '../../src/dns/decode.js';
import { encodeResponse, fitUdp } from '../../src/dns/encode.js';
import { parseQuery, Rejected, Response, type Request } from '../../src/dns/message.js';
import { buildQuery, INTERNAL_TRANSPORT, makeRequest } from '../../src/dns/query.js';

function parse(raw: Buffer): Request | Rejected {
  return parseQuery(raw, INTERNAL_TRANSPORT);
}

function header(id: number, flags: number, qd: number, an = 0, ns = 0, ar = 0): Buffer {
  const b = Buffer.alloc(12);
  [id, flags, qd, an, ns, ar].forEach((v, i) => b.writeUInt16BE(v, i * 2));
  return b;
}

/** "\x03www\x07example\x00" style wire name from labels. */
function wireName(...labels: string[]): Buffer {
  return Buffer.concat([...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')])), Buffer.from([0])]);
}

const typeClass = Buffer.from([0, 1, 0, 1]);

describe('parseQuery', () => {
  const rejects: { name: string; packet: Buffer; rcode: number | null }[] = [
    { name: 'a runt shorter than a header is dropped', packet: Buffer.from([1, 2, 3]), rcode: null },
    { name: 'a response (QR=1) is dropped', packet: Buffer.concat([header(7, 0x8000, 1), wireName('a'), typeClass]), rcode: null },
    { name: 'opcode NOTIFY is NOTIMP', packet: Buffer.concat([header(7, 4 << 11, 1), wireName('a'), typeClass]), rcode: Rcode.NOTIMP },
    { name: 'opcode UPDATE is NOTIMP', packet: Buffer.concat([header(7, 5 << 11, 1), wireName('a'), typeClass]), rcode: Rcode.NOTIMP },
    { name: 'QDCOUNT 0 is FORMERR', packet: header(7, 0, 0), rcode: Rcode.FORMERR },
    { name: 'QDCOUNT 2 is FORMERR', packet: Buffer.concat([header(7, 0, 2), wireName('a'), typeClass, wireName('b'), typeClass]), rcode: Rcode.FORMERR },
    { name: 'a question cut short is FORMERR', packet: Buffer.concat([header(7, 0, 1), wireName('abc')]), rcode: Rcode.FORMERR },
    { name: 'a label running past the end is FORMERR', packet: Buffer.concat([header(7, 0, 1), Buffer.from([10, 97, 98])]), rcode: Rcode.FORMERR },
    { name: 'a pointer loop is FORMERR', packet: Buffer.concat([header(7, 0, 1), Buffer.from([0xc0, 12]), typeClass]), rcode: Rcode.FORMERR },
    { name: 'a pointer into the header is FORMERR', packet: Buffer.concat([header(7, 0, 1), Buffer.from([0xc0, 2]), typeClass]), rcode: Rcode.FORMERR },
    { name: 'a name over 255 bytes is FORMERR', packet: Buffer.concat([header(7, 0, 1), wireName(...Array(5).fill('x'.repeat(63))), typeClass]), rcode: Rcode.FORMERR },
    { name: 'label type 0x40 is FORMERR', packet: Buffer.concat([header(7, 0, 1), Buffer.from([0x41, 0]), typeClass]), rcode: Rcode.FORMERR },
    { name: 'two OPT records are FORMERR', packet: Buffer.concat([header(7, 0, 1, 0, 0, 2), wireName('a'), typeClass,
      Buffer.from([0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 0])]), rcode: Rcode.FORMERR },
    { name: 'an OPT not owned by the root is FORMERR', packet: Buffer.concat([header(7, 0, 1, 0, 0, 1), wireName('a'), typeClass,
      wireName('x'), Buffer.from([0, 41, 4, 0, 0, 0, 0, 0, 0, 0])]), rcode: Rcode.FORMERR },
    { name: 'an additional record running past the end is FORMERR', packet: Buffer.concat([header(7, 0, 1, 0, 0, 1), wireName('a'), typeClass,
      Buffer.from([0, 0, 41, 4, 0, 0, 0, 0, 0, 0, 9])]), rcode: Rcode.FORMERR },
  ];
  for (const c of rejects) {
    it(c.name, () => {
      const r = parse(c.packet);
      expect(r).to.be.instanceOf(Rejected);
      const reply = (r as Rejected).reply;
      if (c.rcode === null) { expect(reply).to.equal(null); return; }
      const msg = decodeMessage(reply!);
      expect(msg.id).to.equal(7);
      expect(msg.qr).to.equal(true);
      expect(msg.rcode).to.equal(c.rcode);
    });
  }

  it('keeps the question case and lower-cases the lookup name', () => {
    const r = parse(buildQuery('KuBe.Example.ORG.', Type.A, { id: 9 })) as Request;
    expect(r.qname).to.equal('KuBe.Example.ORG.');
    expect(r.lname).to.equal('kube.example.org.');
    expect(r.id).to.equal(9);
    expect(r.rd).to.equal(true);
  });

  it('reads EDNS payload size, version and DO', () => {
    const r = parse(buildQuery('a.', Type.A, { udpSize: 4096, ednsVersion: 1, dnssecOk: true })) as Request;
    expect(r.edns).to.deep.equal({ udpSize: 4096, version: 1, dnssecOk: true });
  });

  it('escapes odd bytes in names', () => {
    const raw = Buffer.concat([header(1, 0, 1), wireName('a.b', 'c d'), typeClass]);
    expect((parse(raw) as Request).qname).to.equal('a\\.b.c\\032d.');
  });
});

describe('encodeResponse', () => {
  it('echoes the question case in owners through compression', () => {
    const req = makeRequest('WWW.Example.org.', Type.A, { id: 42 });
    const resp = new Response();
    resp.authoritative = true;
    resp.answer.push({ name: 'www.example.org.', type: Type.A, ttl: 5, address: '10.0.0.1' });
    const msg = decodeMessage(encodeResponse(resp, req));
    expect(msg.id).to.equal(42);
    expect(msg.aa).to.equal(true);
    expect(msg.rd).to.equal(true);
    expect(msg.question[0]!.name).to.equal('WWW.Example.org.');
    expect(msg.answer[0]).to.include({ name: 'WWW.Example.org.', address: '10.0.0.1' });
  });

  it('reuses the memoised body for another case of the same name', () => {
    const resp = new Response();
    resp.answer.push({ name: 'a.example.', type: Type.A, ttl: 5, address: '10.0.0.1' });
    const first = encodeResponse(resp, makeRequest('a.example.', Type.A, { id: 1 }));
    const memo = resp.wire;
    const second = encodeResponse(resp, makeRequest('A.EXAMPLE.', Type.A, { id: 2 }));
    expect(resp.wire).to.equal(memo);
    expect(decodeMessage(first).answer[0]!.name).to.equal('a.example.');
    expect(decodeMessage(second).answer[0]!.name).to.equal('A.EXAMPLE.');
    expect(decodeMessage(second).id).to.equal(2);
  });

  it('compresses repeated names', () => {
    const req = makeRequest('svc.ns.svc.cluster.local.', Type.SRV);
    const resp = new Response();
    for (let i = 0; i < 10; i++) {
      resp.answer.push({ name: 'svc.ns.svc.cluster.local.', type: Type.SRV, ttl: 5, priority: 0, weight: 10, port: 80 + i, target: 'svc.ns.svc.cluster.local.' });
      resp.additional.push({ name: 'svc.ns.svc.cluster.local.', type: Type.A, ttl: 5, address: `10.0.0.${i}` });
    }
    const wire = encodeResponse(resp, req);
    // Without compression each owner alone would cost 27 bytes.
    expect(wire.length).to.be.lessThan(12 + 31 + 20 * 12 + 10 * (6 + 27) + 10 * 4);
    expect(decodeMessage(wire).answer).to.have.length(10);
  });

  it('compresses only against the suffixes of a name as written, whatever lower-casing does to other characters', () => {
    // "İ" lower-cases to two characters: suffix keys taken from the lower-cased string would
    // point the second name at the wrong suffix. Such names take the byte-wise path (a byte each).
    const req = makeRequest('a.c.', Type.A);
    const resp = new Response();
    resp.answer = [
      { name: 'a.c.', type: Type.CNAME, ttl: 5, target: 'İİ.ab.c.' },
      { name: 'a.c.', type: Type.CNAME, ttl: 5, target: '\u0307.ab.c.' },
      { name: 'a.c.', type: Type.CNAME, ttl: 5, target: 'X.AB.c.' },
    ];
    const targets = decodeMessage(encodeResponse(resp, req)).answer.map((r) => (r as { target: string }).target);
    expect(targets).to.deep.equal(['00.ab.c.', '\\007.ab.c.', 'X.ab.c.']);
  });

  it('adds an OPT with our payload size and the DO bit to an EDNS query', () => {
    const req = makeRequest('a.', Type.A, { udpSize: 4096, dnssecOk: true });
    const msg = decodeMessage(encodeResponse(new Response(), req));
    expect(msg.edns).to.deep.equal({ udpSize: 1232, version: 0, dnssecOk: true });
  });

  it('truncates an answer that does not fit in 512 bytes without EDNS', () => {
    const req = makeRequest('big.example.', Type.A);
    const resp = new Response();
    resp.authoritative = true;
    for (let i = 0; i < 60; i++) resp.answer.push({ name: 'big.example.', type: Type.A, ttl: 5, address: `10.0.0.${i}` });
    const full = encodeResponse(resp, req);
    expect(full.length).to.be.greaterThan(512);
    const msg = decodeMessage(fitUdp(full, req));
    expect(msg.tc).to.equal(true);
    expect(msg.aa).to.equal(true);
    expect(msg.answer).to.have.length(0);
    expect(msg.question[0]!.name).to.equal('big.example.');
  });

  it('keeps a big answer whole when EDNS allows it', () => {
    const req = makeRequest('big.example.', Type.A, { udpSize: 1232 });
    const resp = new Response();
    for (let i = 0; i < 60; i++) resp.answer.push({ name: 'big.example.', type: Type.A, ttl: 5, address: `10.0.0.${i}` });
    const msg = decodeMessage(fitUdp(encodeResponse(resp, req), req));
    expect(msg.tc).to.equal(false);
    expect(msg.answer).to.have.length(60);
  });

  it('round-trips every record type it builds', () => {
    const req = makeRequest('x.example.', Type.ANY);
    const resp = new Response(Rcode.NXDOMAIN);
    resp.answer.push(
      { name: 'x.example.', type: Type.AAAA, ttl: 1, address: '2001:db8::1' },
      { name: 'x.example.', type: Type.CNAME, ttl: 2, target: 'y.example.' },
      { name: 'x.example.', type: Type.TXT, ttl: 3, text: ['1.1.0', 'two words'] },
      { name: 'x.example.', type: Type.PTR, ttl: 4, target: 'p.example.' },
      { name: 'x.example.', type: 99, ttl: 5, data: Buffer.from([1, 2, 3]) },
    );
    resp.authority.push({ name: 'example.', type: Type.SOA, ttl: 6, mname: 'ns.dns.example.', rname: 'hostmaster.example.',
      serial: 12345, refresh: 7200, retry: 1800, expire: 86400, minimum: 5 });
    const msg = decodeMessage(encodeResponse(resp, req));
    expect(msg.rcode).to.equal(Rcode.NXDOMAIN);
    expect(msg.answer.map((r) => r.type)).to.deep.equal([Type.AAAA, Type.CNAME, Type.TXT, Type.PTR, 99]);
    expect(msg.answer[2]).to.deep.include({ text: ['1.1.0', 'two words'] });
    expect(msg.authority[0]).to.deep.include({ serial: 12345, minimum: 5, mname: 'ns.dns.example.' });
  });
});
