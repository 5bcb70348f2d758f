// Zone-file text -> Rec, for tests that build answers as CoreDNS's tests do:
// rr("example.org. 300 IN A 192.0.2.1"). The inverse of recordText.

import { Class, Type, typeFromName } from '../../src/dns/constants.js';
import { Response } from '../../src/dns/message.js';
import type { Rec } from '../../src/dns/records.js';

export function rr(text: string): Rec {
  const [name, ttlText, cls, typeText, ...data] = text.trim().split(/\s+/) as [string, string, string, string, ...string[]];
  const type = typeFromName(typeText);
  if (type === undefined || cls !== 'IN') throw new Error(`cannot read record: ${text}`);
  const base = { name, ttl: Number(ttlText), class: Class.IN };
  switch (type) {
    case Type.A: return { ...base, type: Type.A, address: data[0]! };
    case Type.AAAA: return { ...base, type: Type.AAAA, address: data[0]! };
    case Type.CNAME: case Type.NS: case Type.PTR: return { ...base, type, target: data[0]! };
    case Type.SRV: {
      const [priority, weight, port, target] = data as [string, string, string, string];
      return { ...base, type: Type.SRV, priority: Number(priority), weight: Number(weight), port: Number(port), target };
    }
    case Type.TXT: return { ...base, type: Type.TXT, text: data.map((t) => t.replace(/^"|"$/g, '')) };
    case Type.SOA: {
      const [mname, rname, ...n] = data as [string, string, ...string[]];
      const [serial, refresh, retry, expire, minimum] = n.map(Number) as [number, number, number, number, number];
      return { ...base, type: Type.SOA, mname, rname, serial, refresh, retry, expire, minimum };
    }
    default: throw new Error(`rr does not know type ${typeText}`);
  }
}

/** A built Response: rcode, sections as zone-file text. */
export function reply(rcode: number, answer: string[] = [], ns: string[] = [], extra: string[] = [], aa = true): Response {
  const r = new Response(rcode);
  r.authoritative = aa;
  r.answer = answer.map(rr);
  r.authority = ns.map(rr);
  r.additional = extra.map(rr);
  return r;
}
