// Answers A, AAAA and PTR from the hosts entries (CoreDNS plugin/hosts/hosts.go).
// A name with no entry is passed on with `fallthrough`, else SERVFAIL (there is no
// SOA to make an NXDOMAIN of); a name with entries but none of the asked type is
// NODATA. PTR queries are answered in any zone the server block routes here.

import { Rcode, Type } from '../../dns/constants.js';
import { ipFromReverseName } from '../../dns/ip.js';
import { Response, type Request } from '../../dns/message.js';
import type { Rec } from '../../dns/records.js';
import { DnsError } from '../../errors.js';
import type { Answer, Ctx, Handler, Next } from '../plugin.js';
import { matchZone } from '../pkg/zones.js';
import type { HostsSource } from './source.js';

export interface HostsOptions {
  readonly zones: readonly string[];
  readonly ttl: number;
  /** `fallthrough` zones; undefined without the option. */
  readonly fallthrough: readonly string[] | undefined;
}

export class Hosts implements Handler {
  readonly name = 'hosts';
  /** Answers built since the entries last changed, by "name/type": a repeated query costs a lookup. */
  private answers = new Map<string, Response>();

  constructor(private readonly opts: HostsOptions, private readonly source: HostsSource) {}

  /** The entries changed: forget the answers built from the old ones. */
  changed(): void {
    this.answers = new Map();
  }

  serve(ctx: Ctx, req: Request, next: Next): Answer {
    const { lname, qtype } = req;
    const inZone = matchZone(this.opts.zones, lname) !== undefined;
    if (!inZone && qtype !== Type.PTR) return next(ctx, req);
    const key = `${lname}/${qtype}`;
    const known = this.answers.get(key);
    if (known !== undefined) return known;
    let records: Rec[] = [];
    if (qtype === Type.PTR) {
      const addr = ipFromReverseName(lname);
      const names = addr === null ? [] : this.source.names(addr);
      // An address with no entry goes on, with or without fallthrough (CoreDNS).
      if (names.length === 0) return next(ctx, req);
      records = names.map((target) => ({ name: lname, ttl: this.opts.ttl, type: Type.PTR, target }));
    } else if (qtype === Type.A || qtype === Type.AAAA) {
      const addrs = qtype === Type.A ? this.source.addresses4(lname) : this.source.addresses6(lname);
      const { ttl } = this.opts;
      records = addrs.map((address): Rec => (qtype === Type.A
        ? { name: lname, ttl, type: Type.A, address } : { name: lname, ttl, type: Type.AAAA, address }));
    }
    if (records.length === 0 && !this.exists(lname)) {
      const fall = this.opts.fallthrough;
      if (fall !== undefined && matchZone(fall, lname) !== undefined) return next(ctx, req);
      throw new DnsError(Rcode.SERVFAIL, `${lname} is not in the hosts entries`);
    }
    const resp = new Response();
    resp.authoritative = true;
    resp.answer = records;
    if (qtype === Type.A || qtype === Type.AAAA || qtype === Type.PTR) this.answers.set(key, resp);
    return resp;
  }

  private exists(lname: string): boolean {
    return this.source.addresses4(lname).length > 0 || this.source.addresses6(lname).length > 0;
  }
}
