// Cluster state -> Responses for every name shape of SPEC §1. Positive answers
// are authoritative with an empty authority section; NXDOMAIN and NODATA carry
// exactly one SOA. ExternalName targets in one of our zones are followed here;
// a target outside them is handed back (External) for the handler to resolve.

import { Rcode } from '../../dns/constants.js';
import type { Request } from '../../dns/message.js';
import { Response } from '../../dns/message.js';
import { isSubdomain } from '../../dns/names.js';
import type { Rec } from '../../dns/records.js';
import { lookupApex, lookupDnsVersion, lookupNsDns, soaRecord } from './apex.js';
import type { Cluster } from './cluster.js';
import { found, MISSING, type Found, type Query } from './found.js';
import { parseName } from './parse.js';
import { lookupPod, podNamespaceExists } from './pods.js';
import { lookupReverse } from './reverse.js';
import { lookupEndpoint, lookupPort, lookupService } from './services.js';

/** How many ExternalName targets an answer follows inside our zones (SPEC §1: chain limit 10). */
const MAX_CHAIN = 10;

/** An answer whose CNAME chain leaves our zones: `response` holds the chain, `target` is to resolve. */
export class External {
  constructor(readonly response: Response, readonly target: string) {}
}

export class Answers {
  /** Longest first, so the first match is the most specific zone. */
  private readonly zones: readonly string[];

  constructor(readonly cluster: Cluster, private readonly ownIPs: readonly string[]) {
    this.zones = [...cluster.cfg.zones].sort((a, b) => b.length - a.length);
  }

  /** The most specific of our zones holding `lname`, or undefined. */
  zoneOf(lname: string): string | undefined {
    return this.zones.find((z) => isSubdomain(lname, z));
  }

  /** The answer to `req`, which lies in `zone`. */
  answer(req: Request, zone: string): Response | External {
    const f = this.lookup(req.lname, { owner: req.qname, zone, qtype: req.qtype });
    const resp = new Response();
    resp.authoritative = true;
    resp.answer = [...f.answer];
    resp.additional = [...f.additional];
    if (!f.exists) resp.rcode = Rcode.NXDOMAIN;
    if (f.alias !== undefined) return this.follow(resp, req, f.alias);
    if (resp.answer.length === 0) resp.authority = [this.negativeSoa(zone, req)];
    return resp;
  }

  private negativeSoa(zone: string, req: Request): Rec {
    return soaRecord(this.cluster, zone, req.lname === zone ? req.qname : zone);
  }

  /**
   * Follows an ExternalName chain inside our zones. **(kdns)** RFC 6604: a target
   * without records keeps the CNAMEs and takes its own negative answer (NXDOMAIN
   * or NODATA with its SOA). A loop or a chain past the limit ends with what it has.
   */
  private follow(resp: Response, req: Request, alias: string): Response | External {
    const seen = new Set([req.lname]);
    let target = alias;
    for (let i = 0; i < MAX_CHAIN && !seen.has(target); i++) {
      const zone = this.zoneOf(target);
      if (zone === undefined) return new External(resp, target);
      seen.add(target);
      const f = this.lookup(target, { owner: target, zone, qtype: req.qtype });
      resp.answer.push(...f.answer);
      resp.additional.push(...f.additional);
      if (!f.exists) resp.rcode = Rcode.NXDOMAIN;
      if (f.alias === undefined) {
        if (f.answer.length === 0) resp.authority = [soaRecord(this.cluster, zone)];
        return resp;
      }
      target = f.alias;
    }
    return resp;
  }

  /** What exists at `lname` (lower case, inside `q.zone`) for `q.qtype`. */
  private lookup(lname: string, q: Query): Found {
    const c = this.cluster;
    const p = parseName(lname, q.zone);
    switch (p.kind) {
      case 'apex': return lookupApex(c, this.ownIPs, q);
      case 'ent': return found();
      case 'dnsVersion': return lookupDnsVersion(q);
      case 'nsDns': return lookupNsDns(c, this.ownIPs, q);
      case 'namespace': {
        const exists = p.space === 'svc' ? c.namespaceExposed(p.namespace) : podNamespaceExists(c, p.namespace);
        return exists ? found() : MISSING;
      }
      case 'service': return lookupService(c, p.namespace, p.service, q);
      case 'endpoint': return lookupEndpoint(c, p.namespace, p.service, p.endpoint, q);
      case 'port': return lookupPort(c, p.namespace, p.service, p.port, p.protocol, q);
      case 'pod': return lookupPod(c, p.namespace, p.label, q);
      case 'reverse': return lookupReverse(c, p.ip, q);
      case 'none': return MISSING;
    }
  }
}
