// The rewrite handler: one per `rewrite` line, in Corefile order. The query goes on
// with the rewritten question; the answer comes back with the client's question
// (the server encodes it against the client's own query) and, per the rule's
// answer options, the names mapped back.

import { HEADER_SIZE, Rcode } from '../../dns/constants.js';
import type { Request } from '../../dns/message.js';
import { labelBytes } from '../../dns/names.js';
import { DnsError } from '../../errors.js';
import { mapAnswer } from '../../server/chain.js';
import type { Answer, Ctx, Handler, Next } from '../plugin.js';
import { rewriteAnswer } from './answer.js';
import type { Question, Rule } from './rules.js';

/** Queries rewritten by a `stop` rule: the rewrite lines after it leave them alone. */
const stopped = new WeakSet<Request>();

/** `req` asking `q` instead: the same header and EDNS, a new question. */
export function withQuestion(req: Request, q: Question): Request {
  const labels = labelBytes(q.lname);
  const nameLen = labels.reduce((n, l) => n + l.length + 1, 1);
  const tail = req.raw.subarray(req.questionEnd);
  const raw = Buffer.allocUnsafe(HEADER_SIZE + nameLen + 4 + tail.length);
  req.raw.copy(raw, 0, 0, HEADER_SIZE);
  let p = HEADER_SIZE;
  for (const l of labels) {
    raw[p++] = l.length;
    l.copy(raw, p);
    p += l.length;
  }
  raw[p++] = 0;
  raw.writeUInt16BE(q.qtype, p);
  raw.writeUInt16BE(q.qclass, p + 2);
  tail.copy(raw, p + 4);
  return { ...req, qname: q.lname, lname: q.lname, qtype: q.qtype, qclass: q.qclass, raw, questionEnd: p + 4 };
}

export class Rewrite implements Handler {
  readonly name = 'rewrite';

  constructor(readonly rule: Rule) {}

  serve(ctx: Ctx, req: Request, next: Next): Answer {
    if (stopped.has(req)) return next(ctx, req);
    const done = this.rule.apply(req);
    if (done === null) return next(ctx, req);
    let rewritten: Request;
    try {
      rewritten = withQuestion(req, done.question);
    } catch (err) {
      throw new DnsError(Rcode.SERVFAIL, `invalid name after rewrite: ${done.question.lname}`, { cause: err });
    }
    if (this.rule.mode === 'stop') stopped.add(rewritten);
    return mapAnswer(() => next(ctx, rewritten), (resp) => {
      // A relayed answer carries the rewritten question: it is rebuilt around the client's.
      if (done.names.length + done.values.length === 0 && resp.relayed === undefined) return resp;
      return rewriteAnswer(resp, done.names, done.values);
    });
  }
}
