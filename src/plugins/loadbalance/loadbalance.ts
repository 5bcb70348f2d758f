// Shuffles the address records of an answer (CoreDNS plugin/loadbalance,
// round_robin): per section, CNAMEs first, then other records, then the A and
// AAAA records in random order, then MX records in random order.

import { Rcode, Type } from '../../dns/constants.js';
import type { Request, Response } from '../../dns/message.js';
import type { Rec } from '../../dns/records.js';
import { mapAnswer } from '../../server/chain.js';
import type { Answer, Ctx, Handler, Next } from '../plugin.js';

function shuffled(recs: Rec[]): void {
  for (let i = recs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [recs[i], recs[j]] = [recs[j]!, recs[i]!];
  }
}

/** The section in round-robin order (CoreDNS roundRobin). */
export function roundRobin(section: readonly Rec[]): Rec[] {
  const cname: Rec[] = [], rest: Rec[] = [], address: Rec[] = [], mx: Rec[] = [];
  for (const r of section) {
    if (r.type === Type.CNAME) cname.push(r);
    else if (r.type === Type.A || r.type === Type.AAAA) address.push(r);
    else if (r.type === Type.MX) mx.push(r);
    else rest.push(r);
  }
  shuffled(address);
  shuffled(mx);
  return [...cname, ...rest, ...address, ...mx];
}

/** True when the section holds two records that a shuffle could swap. */
function worthShuffling(section: readonly Rec[]): boolean {
  let address = 0, mx = 0;
  for (const r of section) {
    if (r.type === Type.A || r.type === Type.AAAA) address++;
    else if (r.type === Type.MX) mx++;
  }
  return address > 1 || mx > 1;
}

/** A relayed answer whose header shows fewer than two records per section needs no decoding to know that. */
function tooFewRecords(resp: Response): boolean {
  const w = resp.relayed;
  return w !== undefined && w.readUInt16BE(6) < 2 && w.readUInt16BE(8) < 2 && w.readUInt16BE(10) < 2;
}

export class LoadBalance implements Handler {
  readonly name = 'loadbalance';

  serve(ctx: Ctx, req: Request, next: Next): Answer {
    return mapAnswer(() => next(ctx, req), (resp) => rotated(req, resp));
  }
}

/** The answer with its sections in round-robin order, or as it is when there is nothing to shuffle. */
function rotated(req: Request, resp: Response): Response {
  if (resp.rcode !== Rcode.NOERROR || req.qtype === Type.AXFR || req.qtype === Type.IXFR || tooFewRecords(resp)) return resp;
  const { answer, authority, additional } = resp;
  if (!worthShuffling(answer) && !worthShuffling(authority) && !worthShuffling(additional)) return resp;
  const r = resp.clone();
  r.answer = roundRobin(answer);
  r.authority = roundRobin(authority);
  r.additional = roundRobin(additional);
  return r;
}
