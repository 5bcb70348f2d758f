// How long an answer is cached, and the TTLs it is served with: one TTL for every
// record, the smallest, counting down (CoreDNS dnsutil.MinimalTTL and the cache's
// ResponseWriter, which writes the capped TTL into the first reply too).

import { Type } from '../../dns/constants.js';
import { Response } from '../../dns/message.js';
import type { Rec, SOA } from '../../dns/records.js';
import type { ResponseType } from '../../dns/typify.js';
import { MAX_TTL, MIN_TTL } from './config.js';
import { patchTtls, scanRecords } from './wire.js';

export interface Sections {
  readonly answer: readonly Rec[];
  readonly authority: readonly Rec[];
  readonly additional: readonly Rec[];
}

/**
 * The TTL an answer asks to be cached for: the smallest TTL of its records; for a
 * denial also the SOA's MINIMUM (RFC 2308 5: the smaller of the SOA's TTL and its
 * MINIMUM). Answers without records, and other kinds, get the 5 s floor.
 */
export function minimalTtl(s: Sections, type: ResponseType): number {
  if (type !== 'NOERROR' && type !== 'NXDOMAIN' && type !== 'NODATA') return MIN_TTL;
  if (s.answer.length + s.authority.length === 0) return MIN_TTL;
  let ttl = MAX_TTL;
  for (const r of s.answer) ttl = Math.min(ttl, r.ttl);
  for (const r of s.authority) {
    ttl = Math.min(ttl, r.ttl);
    if (r.type === Type.SOA && type !== 'NOERROR') ttl = Math.min(ttl, (r as SOA).minimum);
  }
  for (const r of s.additional) ttl = Math.min(ttl, r.ttl);
  return ttl;
}

/** CoreDNS computeTTL: raised to the floor first, then capped. */
export function clampTtl(ttl: number, min: number, max: number): number {
  return Math.min(Math.max(ttl, min), max);
}

export function retime(recs: readonly Rec[], ttl: number): Rec[] {
  return recs.map((r) => (r.ttl === ttl ? r : { ...r, ttl }));
}

function allHaveTtl(s: Sections, ttl: number): boolean {
  const same = (r: Rec): boolean => r.ttl === ttl;
  return s.answer.every(same) && s.authority.every(same) && s.additional.every(same);
}

/**
 * `resp` with every TTL set to `ttl`: itself when they already are, else a copy
 * (a relayed response stays relayed: its bytes are copied and patched).
 */
export function withTtl(resp: Response, s: Sections, ttl: number): Response {
  if (allHaveTtl(s, ttl)) return resp;
  if (resp.relayed !== undefined) {
    const copy = Buffer.from(resp.relayed);
    patchTtls(copy, scanRecords(copy).ttls, ttl);
    return Response.relay(copy);
  }
  const r = resp.clone();
  r.answer = retime(s.answer, ttl);
  r.authority = retime(s.authority, ttl);
  r.additional = retime(s.additional, ttl);
  return r;
}
