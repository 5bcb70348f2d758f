// The kubernetes Handler: routes a query in our zones to the answers, at the
// cost of a lookup. Responses are kept per (name, type), tagged with the cluster
// state version they were built from; encodeResponse memoises the wire bytes on
// the Response object, so a repeated question costs a copy and a few patches.
// Any change in the state bumps the version, so the next query builds afresh
// (a tag check rather than clearing the cache: a change costs O(1)).

import { LRUCache } from 'lru-cache';
import { Rcode, Type } from '../../dns/constants.js';
import type { Request } from '../../dns/message.js';
import { Response } from '../../dns/message.js';
import { isSubdomain } from '../../dns/names.js';
import { DnsError } from '../../errors.js';
import type { Answer, Ctx, Handler, Next } from '../plugin.js';
import { Answers, External } from './answers.js';
import { Cluster } from './cluster.js';
import type { KubernetesConfig } from './config.js';
import type { ClusterView } from './objects.js';

/** Bounded: a client walking random names must not grow the process. */
export const MAX_CACHED_ANSWERS = 20_000;

export class KubernetesHandler implements Handler {
  readonly name = 'kubernetes';
  private readonly answers: Answers;
  private readonly cache = new LRUCache<string, Kept>({ max: MAX_CACHED_ANSWERS });

  constructor(private readonly cfg: KubernetesConfig, private readonly view: ClusterView, ownIPs: readonly string[]) {
    this.answers = new Answers(new Cluster(view, cfg), ownIPs);
  }

  /** Synchronous but for an ExternalName whose target lies outside the cluster zones. */
  serve(ctx: Ctx, req: Request, next: Next): Answer {
    const zone = this.answers.zoneOf(req.lname);
    if (zone === undefined) return next(ctx, req);
    if (req.qtype === Type.AXFR || req.qtype === Type.IXFR) throw new DnsError(Rcode.REFUSED, 'zone transfers are refused');
    let resp = this.cached(req);
    if (resp === undefined) {
      const a = this.answers.answer(req, zone);
      // Out-of-zone ExternalName answers depend on upstream data: never kept.
      if (a instanceof External) return resolveExternal(ctx, req, a);
      resp = a;
      if (this.view.synced) this.cache.set(cacheKey(req), { version: this.view.version, resp });
    }
    if (resp.rcode === Rcode.NXDOMAIN) {
      // SPEC §1: before the first sync a missing name may only be missing from us so far.
      if (!this.view.synced) throw new DnsError(Rcode.SERVFAIL, 'cluster state not synced yet');
      if (resp.answer.length === 0 && this.fallsThrough(req.lname)) return next(ctx, req);
    }
    return resp;
  }

  private cached(req: Request): Response | undefined {
    const kept = this.cache.get(cacheKey(req));
    return kept !== undefined && kept.version === this.view.version ? kept.resp : undefined;
  }

  /** `fallthrough [ZONES]`: only a name that does not exist goes on, and only in those zones. */
  private fallsThrough(lname: string): boolean {
    return this.cfg.fallthrough?.some((z) => isSubdomain(lname, z)) ?? false;
  }
}

interface Kept {
  readonly version: number;
  readonly resp: Response;
}

function cacheKey(req: Request): string {
  return `${req.qtype}:${req.lname}`;
}

/**
 * The CNAME chain, then whatever the server's own chain answers for the target
 * (its records keep their TTLs). The rcode stays NOERROR whatever the upstream
 * said (SPEC §1): the name asked for exists.
 */
async function resolveExternal(ctx: Ctx, req: Request, ext: External): Promise<Response> {
  const resp = ext.response;
  try {
    const up = await ctx.resolve(ext.target, req.qtype);
    resp.answer.push(...up.answer);
  } catch {
    // Nothing from upstream: the CNAME alone.
  }
  return resp;
}
