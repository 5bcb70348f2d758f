// One cached answer. It keeps the answer's encoded body (header, question and
// records, without OPT) and where its TTLs are; a hit copies the body and writes
// the TTL left, once a second, into a Response the server sends at the cost of a
// copy (encodeResponse patches the ID, flags, question and OPT per client).

import { encodeResponse } from '../../dns/encode.js';
import { findQuestionEnd, Response, type Request } from '../../dns/message.js';
import { patchTtls, scanRecords, withoutOpt } from './wire.js';
import { retime, type Sections } from './ttl.js';

export type Kind = 'success' | 'denial';

const TC = 0x0200;

export class Entry {
  /** Queries seen with no gap longer than the prefetch window (CoreDNS's Freq). */
  hits = 0;
  lastHit = 0;
  /** A prefetch or a stale refresh is on its way. */
  refreshing = false;
  private served: Response | undefined;
  private servedTtl = -1;

  private constructor(
    readonly key: string,
    readonly kind: Kind,
    readonly lname: string,
    private readonly qtype: number,
    private readonly template: Response,
    private readonly body: Buffer,
    private readonly ttls: readonly number[],
    private readonly sections: Sections,
    /** When it was stored (ms). */
    readonly stored: number,
    /** The TTL it was stored with (s). */
    readonly ttl: number,
  ) {}

  /**
   * The entry for `reply` (whose TTLs are already `ttl`), answering `req`; null
   * for what cannot be served to other clients from bytes: a truncated relayed
   * answer, one whose question is not the query's, or one with OPT before other records.
   */
  static of(key: string, kind: Kind, req: Request, reply: Response, sections: Sections, now: number, ttl: number): Entry | null {
    let body: Buffer | null;
    let ttls: readonly number[];
    if (reply.relayed !== undefined) {
      const wire = reply.relayed;
      if ((wire.readUInt16BE(2) & TC) !== 0 || findQuestionEnd(wire) !== req.questionEnd) return null;
      const scan = scanRecords(wire);
      body = withoutOpt(wire, scan);
      if (body === null) return null;
      ttls = scan.ttls; // OPT was last, so no TTL moved
    } else {
      encodeResponse(reply, req); // memoises the body on `reply`, the server's own encoding is then a copy
      body = reply.wire!;
      ttls = scanRecords(body).ttls;
    }
    const template = new Response(reply.rcode);
    template.authoritative = reply.authoritative;
    template.recursionAvailable = reply.recursionAvailable;
    return new Entry(key, kind, req.lname, req.qtype, template, body, ttls, sections, now, ttl);
  }

  /** Whole seconds left, negative once expired (CoreDNS item.ttl). */
  remaining(now: number): number {
    return this.ttl - Math.floor((now - this.stored) / 1000);
  }

  /** Milliseconds since the entry expired (negative while fresh). */
  expiredFor(now: number): number {
    return now - this.stored - this.ttl * 1000;
  }

  /** The answer with every TTL `ttl`; the same object for every hit within a second. */
  response(ttl: number): Response {
    if (this.served !== undefined && this.servedTtl === ttl) return this.served;
    const r = this.template.clone();
    r.answer = retime(this.sections.answer, ttl);
    r.authority = retime(this.sections.authority, ttl);
    r.additional = retime(this.sections.additional, ttl);
    const wire = Buffer.from(this.body);
    patchTtls(wire, this.ttls, ttl);
    r.wire = wire;
    r.wireName = this.lname;
    r.wireType = this.qtype;
    this.served = r;
    this.servedTtl = ttl;
    return r;
  }
}
