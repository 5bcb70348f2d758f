// Access control by query type and client address (CoreDNS's acl): the first policy
// of a directive that matches a query decides; a query no policy matches goes on.

import { BlockList } from 'node:net';
import { Rcode } from '../../dns/constants.js';
import { unmapIPv4 } from '../../dns/ip.js';
import { Response, type Request } from '../../dns/message.js';
import { DropError } from '../../errors.js';
import type { CounterSeries } from '../../metrics/metric.js';
import type { Metrics } from '../../metrics/registry.js';
import type { Answer, Ctx, Handler, Next } from '../plugin.js';
import { matchZone } from '../pkg/zones.js';
import type { AclConfig, Action, Policy } from './setup.js';

/**
 * Requests an `acl` directive allowed explicitly: later `acl` directives of the block
 * let them through unchecked, as CoreDNS stops at the first `allow`.
 */
const allowed = new WeakSet<Request>();

interface Compiled {
  readonly action: Action;
  readonly types: ReadonlySet<number> | null;
  readonly nets: BlockList | null;
}

function compile(p: Policy): Compiled {
  let nets: BlockList | null = null;
  if (p.nets) {
    nets = new BlockList();
    for (const n of p.nets) {
      const [ip, prefix] = n.split('/') as [string, string];
      nets.addSubnet(ip, Number(prefix), ip.includes(':') ? 'ipv6' : 'ipv4');
    }
  }
  return { action: p.action, types: p.types && new Set(p.types), nets };
}

/** CoreDNS's acl counters, with its names and labels. */
export interface AclMetrics {
  readonly blocked: (server: string, zone: string) => CounterSeries;
  readonly filtered: (server: string, zone: string) => CounterSeries;
  readonly dropped: (server: string, zone: string) => CounterSeries;
  readonly allowed: (server: string) => CounterSeries;
}

export function aclMetrics(m: Metrics): AclMetrics {
  const family = (what: string, labels: string[]) =>
    m.counter(`coredns_acl_${what}_requests_total`, `Counter of DNS requests being ${what}.`, [...labels, 'view']);
  const blocked = family('blocked', ['server', 'zone']);
  const filtered = family('filtered', ['server', 'zone']);
  const dropped = family('dropped', ['server', 'zone']);
  const allowedRequests = family('allowed', ['server']);
  // Series are bound once per label set and kept: a query costs a Map lookup.
  const series = new Map<string, CounterSeries>();
  const bind = (key: string, make: () => CounterSeries): CounterSeries => {
    let s = series.get(key);
    if (!s) series.set(key, (s = make()));
    return s;
  };
  return {
    blocked: (server, zone) => bind(`b ${server} ${zone}`, () => blocked.labels(server, zone, '')),
    filtered: (server, zone) => bind(`f ${server} ${zone}`, () => filtered.labels(server, zone, '')),
    dropped: (server, zone) => bind(`d ${server} ${zone}`, () => dropped.labels(server, zone, '')),
    allowed: (server) => bind(`a ${server}`, () => allowedRequests.labels(server, '')),
  };
}

export class Acl implements Handler {
  readonly name = 'acl';
  private readonly zones: readonly string[];
  private readonly policies: readonly Compiled[];

  constructor(cfg: AclConfig, private readonly metrics: AclMetrics) {
    this.zones = cfg.zones;
    this.policies = cfg.policies.map(compile);
  }

  serve(ctx: Ctx, req: Request, next: Next): Answer {
    const zone = allowed.has(req) ? undefined : matchZone(this.zones, req.lname);
    if (zone === undefined) return next(ctx, req);
    switch (this.decide(req)) {
      case 'block':
        this.metrics.blocked(ctx.server, zone).inc();
        return new Response(Rcode.REFUSED);
      case 'filter':
        // An empty NOERROR answer, not authoritative (CoreDNS writes it as SetRcode(r, RcodeSuccess)).
        this.metrics.filtered(ctx.server, zone).inc();
        return new Response();
      case 'drop':
        this.metrics.dropped(ctx.server, zone).inc();
        throw new DropError();
      case 'allow':
        allowed.add(req);
        break;
    }
    this.metrics.allowed(ctx.server).inc();
    return next(ctx, req);
  }

  /** The action of the first policy that matches, or undefined when none does. */
  private decide(req: Request): Action | undefined {
    const ip = unmapIPv4(req.transport.remoteAddress);
    const family = ip.includes(':') ? 'ipv6' : 'ipv4';
    for (const p of this.policies) {
      if (p.types && !p.types.has(req.qtype)) continue;
      if (p.nets && !p.nets.check(ip, family)) continue;
      return p.action;
    }
    return undefined;
  }
}
