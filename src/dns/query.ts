// Building queries: for internal lookups (a plugin resolving a name through the
// server's own chain) and for tests.

import { Class, HEADER_SIZE, Type } from './constants.js';
import { parseQuery, Rejected, type Request, type Transport } from './message.js';
import { labelBytes } from './names.js';

export interface QueryOptions {
  id?: number;
  rd?: boolean;
  qclass?: number;
  /** EDNS payload size; none means no OPT record. */
  udpSize?: number;
  ednsVersion?: number;
  dnssecOk?: boolean;
}

/** The wire bytes of a query for `qname`/`qtype`. */
export function buildQuery(qname: string, qtype: number, opts: QueryOptions = {}): Buffer {
  const labels = labelBytes(qname);
  const nameLen = labels.reduce((n, l) => n + l.length + 1, 1);
  const opt = opts.udpSize !== undefined ? 11 : 0;
  const out = Buffer.alloc(HEADER_SIZE + nameLen + 4 + opt);
  out.writeUInt16BE(opts.id ?? 0, 0);
  out.writeUInt16BE(opts.rd === false ? 0 : 0x0100, 2);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(opt ? 1 : 0, 10);
  let p = HEADER_SIZE;
  for (const l of labels) {
    out[p++] = l.length;
    l.copy(out, p);
    p += l.length;
  }
  out[p++] = 0;
  out.writeUInt16BE(qtype, p);
  out.writeUInt16BE(opts.qclass ?? Class.IN, p + 2);
  p += 4;
  if (opt) {
    out[p] = 0;
    out.writeUInt16BE(Type.OPT, p + 1);
    out.writeUInt16BE(opts.udpSize!, p + 3);
    out.writeUInt32BE((((opts.ednsVersion ?? 0) << 16) | (opts.dnssecOk ? 0x8000 : 0)) >>> 0, p + 5);
  }
  return out;
}

export const INTERNAL_TRANSPORT: Transport = { proto: 'udp', remoteAddress: '127.0.0.1', remotePort: 0, localPort: 0 };

/** A parsed Request for `qname`/`qtype`, as if it had arrived over `transport`. */
export function makeRequest(qname: string, qtype: number, opts: QueryOptions = {},
  transport: Transport = INTERNAL_TRANSPORT): Request {
  const parsed = parseQuery(buildQuery(qname, qtype, opts), transport);
  if (parsed instanceof Rejected) throw new Error(`cannot build a query for ${qname}: ${parsed.reason}`);
  return parsed;
}
