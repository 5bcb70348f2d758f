// Resource records as kdns builds them; names are presentation-form FQDNs.

import { Type, className, typeName } from './constants.js';

interface Base { name: string; ttl: number; class?: number }

export interface A extends Base { type: typeof Type.A; address: string }
export interface AAAA extends Base { type: typeof Type.AAAA; address: string }
export interface NameRecord extends Base { type: typeof Type.CNAME | typeof Type.NS | typeof Type.PTR; target: string }
export interface SRV extends Base { type: typeof Type.SRV; priority: number; weight: number; port: number; target: string }
export interface TXT extends Base { type: typeof Type.TXT; text: string[] }
export interface SOA extends Base {
  type: typeof Type.SOA; mname: string; rname: string;
  serial: number; refresh: number; retry: number; expire: number; minimum: number;
}
/** Any other type, kept as its wire RDATA (RFC 3597). */
export interface Opaque extends Base { type: number; data: Buffer }

export type Rec = A | AAAA | NameRecord | SRV | TXT | SOA | Opaque;

function quoteTxt(s: string): string {
  return '"' + s.replace(/["\\]/g, (c) => '\\' + c) + '"';
}

function rdataText(r: Rec): string {
  switch (r.type) {
    case Type.A: case Type.AAAA: return (r as A).address;
    case Type.CNAME: case Type.NS: case Type.PTR: return (r as NameRecord).target;
    case Type.SRV: { const s = r as SRV; return `${s.priority} ${s.weight} ${s.port} ${s.target}`; }
    case Type.TXT: return (r as TXT).text.map(quoteTxt).join(' ');
    case Type.SOA: {
      const s = r as SOA;
      return `${s.mname} ${s.rname} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`;
    }
    default: { const d = (r as Opaque).data; return `\\# ${d.length}${d.length ? ' ' + d.toString('hex') : ''}`; }
  }
}

/** Master-file text of a record: "svc.ns.svc.cluster.local.\t5\tIN\tA\t10.0.0.1". */
export function recordText(r: Rec): string {
  return `${r.name}\t${r.ttl}\t${className(r.class ?? 1)}\t${typeName(r.type)}\t${rdataText(r)}`;
}
