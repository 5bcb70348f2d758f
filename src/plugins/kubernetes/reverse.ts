// PTR for cluster IPs and endpoint addresses (SPEC §1): a cluster IP names its
// service; otherwise each ready endpoint holding the address names
// `<endpoint>.<svc>.<ns>.svc.<zone>`. Targets are written in the primary zone.

import { Type } from '../../dns/constants.js';
import { endpointName, type Cluster } from './cluster.js';
import { found, MISSING, type Found, type Query } from './found.js';
import { nameRecord } from './rr.js';
import { serviceFqdn } from './services.js';

function ptrTargets(c: Cluster, ip: string): string[] {
  const zone = c.cfg.primaryZone;
  for (const s of c.view.servicesByClusterIP(ip)) {
    const svc = c.service(s.namespace, s.name);
    // A cluster IP's PTR wins over endpoint PTRs (one record).
    if (svc?.kind === 'ClusterIP') return [serviceFqdn(svc, zone)];
  }
  if (c.cfg.noEndpoints) return [];
  const targets = new Set<string>();
  for (const { slice, endpoint } of c.view.endpointsByIP(ip)) {
    if (!endpoint.ready) continue;
    const svc = c.service(slice.namespace, slice.service);
    // Names below an ExternalName do not exist, so no PTR may point there.
    if (!svc || svc.kind === 'ExternalName') continue;
    targets.add(`${endpointName(endpoint, ip, c.cfg.endpointPodNames)}.${serviceFqdn(svc, zone)}`);
  }
  return [...targets];
}

export function lookupReverse(c: Cluster, ip: string, q: Query): Found {
  const targets = ptrTargets(c, ip);
  if (targets.length === 0) return MISSING;
  if (q.qtype !== Type.PTR) return found();
  return found(targets.map((t) => nameRecord(Type.PTR, q.owner, c.cfg.ttl, t)));
}
