// The zone's own names (SPEC §1 "Special names"): the apex SOA and NS,
// `ns.dns.<zone>` and `dns-version.<zone>`.

import { Type } from '../../dns/constants.js';
import type { Rec } from '../../dns/records.js';
import type { Cluster } from './cluster.js';
import { found, type Found, type Query } from './found.js';
import { isReverseZone } from './parse.js';
import { addressRecord, familyOf, nameRecord } from './rr.js';
import { serviceFqdn } from './services.js';

/** The Kubernetes DNS schema version this plugin implements. */
export const SCHEMA_VERSION = '1.1.0';
const DNS_VERSION_TTL = 28800;

/** `<zone> T IN SOA ns.dns.<zone>. hostmaster.<zone>. <serial> 7200 1800 86400 T` */
export function soaRecord(c: Cluster, zone: string, owner: string = zone): Rec {
  const ttl = c.cfg.ttl;
  return {
    name: owner, ttl, type: Type.SOA, mname: `ns.dns.${zone}`, rname: `hostmaster.${zone}`,
    serial: c.view.serial, refresh: 7200, retry: 1800, expire: 86400, minimum: ttl,
  };
}

/**
 * One NS per service whose ready endpoints include one of this server's own
 * addresses, with its cluster IPs (headless: those own addresses) as glue; with
 * none, `ns.dns.<zone>` and the own addresses. Reverse zones name the primary zone's servers.
 */
function nameservers(c: Cluster, ownIPs: readonly string[], zone: string): Map<string, Set<string>> {
  const nsZone = isReverseZone(zone) ? c.cfg.primaryZone : zone;
  const servers = new Map<string, Set<string>>();
  if (!c.cfg.noEndpoints) {
    for (const ip of ownIPs) {
      for (const { slice, endpoint } of c.view.endpointsByIP(ip)) {
        const svc = endpoint.ready ? c.service(slice.namespace, slice.service) : undefined;
        if (!svc || svc.kind === 'ExternalName') continue;
        const name = serviceFqdn(svc, nsZone);
        let glue = servers.get(name);
        if (!glue) servers.set(name, (glue = new Set()));
        for (const g of svc.kind === 'ClusterIP' ? svc.clusterIPs : [ip]) glue.add(g);
      }
    }
  }
  if (servers.size === 0) servers.set(`ns.dns.${nsZone}`, new Set(ownIPs));
  return servers;
}

export function lookupApex(c: Cluster, ownIPs: readonly string[], q: Query): Found {
  if (q.qtype === Type.SOA) return found([soaRecord(c, q.zone, q.owner)]);
  if (q.qtype !== Type.NS) return found();
  const answer: Rec[] = [];
  const additional: Rec[] = [];
  for (const [name, glue] of nameservers(c, ownIPs, q.zone)) {
    answer.push(nameRecord(Type.NS, q.owner, c.cfg.ttl, name));
    for (const ip of glue) additional.push(addressRecord(name, c.cfg.ttl, ip));
  }
  return found(answer, additional);
}

/** `ns.dns.<zone>`: this server's own addresses. */
export function lookupNsDns(c: Cluster, ownIPs: readonly string[], q: Query): Found {
  const isAddress = q.qtype === Type.A || q.qtype === Type.AAAA;
  return found(isAddress ? ownIPs.filter((ip) => familyOf(q.qtype, ip)).map((ip) => addressRecord(q.owner, c.cfg.ttl, ip)) : []);
}

/** `dns-version.<zone>. 28800 IN TXT "1.1.0"` */
export function lookupDnsVersion(q: Query): Found {
  if (q.qtype !== Type.TXT) return found();
  return found([{ name: q.owner, ttl: DNS_VERSION_TTL, type: Type.TXT, text: [SCHEMA_VERSION] }]);
}
