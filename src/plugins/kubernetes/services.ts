// Names under `<svc>.<ns>.svc.<zone>` (SPEC §1 "ClusterIP services", "Headless
// services", "ExternalName services"): the service, its endpoints and its ports.

import { isIP } from 'node:net';
import { Type } from '../../dns/constants.js';
import type { Cluster, ReadyAddress } from './cluster.js';
import { found, MISSING, type Found, type Query } from './found.js';
import type { SlimPort, SlimService } from './objects.js';
import { addressRecord, familyOf, nameRecord, srvRecords, type SrvTarget } from './rr.js';

/** `<svc>.<ns>.svc.<zone>` */
export function serviceFqdn(svc: SlimService, zone: string): string {
  return `${svc.name}.${svc.namespace}.svc.${zone}`;
}

function isAddressType(qtype: number): boolean {
  return qtype === Type.A || qtype === Type.AAAA;
}

/** A/AAAA for the addresses of the asked family, de-duplicated (none: NODATA). */
function addresses(q: Query, ttl: number, ips: Iterable<string>): Found {
  const out = [];
  for (const ip of new Set(ips)) if (familyOf(q.qtype, ip)) out.push(addressRecord(q.owner, ttl, ip));
  return found(out);
}

function portMatches(p: SlimPort, port: string | undefined, protocol: string | undefined): boolean {
  return port === undefined || (p.name === port && p.protocol.toLowerCase() === protocol);
}

/** SRV targets of a headless service's ready addresses: one per (address, matching port of its slice). */
function endpointTargets(addrs: readonly ReadyAddress[], svcName: string, port?: string, protocol?: string): SrvTarget[] {
  const out: SrvTarget[] = [];
  for (const a of addrs) {
    for (const p of a.slice.ports) {
      if (portMatches(p, port, protocol)) out.push({ port: p.port, target: `${a.name}.${svcName}`, ip: a.ip });
    }
  }
  return out;
}

/** SRV targets of a ClusterIP service: one per matching port, the service name as target. */
function clusterTargets(svc: SlimService, svcName: string, port?: string, protocol?: string): SrvTarget[] {
  const out: SrvTarget[] = [];
  for (const p of svc.ports) {
    if (!portMatches(p, port, protocol)) continue;
    if (svc.clusterIPs.length === 0) out.push({ port: p.port, target: svcName, ip: undefined });
    for (const ip of svc.clusterIPs) out.push({ port: p.port, target: svcName, ip });
  }
  return out;
}

function srv(q: Query, ttl: number, targets: readonly SrvTarget[]): Found {
  if (targets.length === 0) return found();
  const { answer, additional } = srvRecords(q.owner, ttl, targets);
  return found(answer, additional);
}

function externalName(svc: SlimService, q: Query, ttl: number): Found {
  const target = svc.externalName;
  // An IP literal is no name to alias (SPEC §1: NXDOMAIN).
  if (target === '' || isIP(target.slice(0, -1)) !== 0) return MISSING;
  const cname = nameRecord(Type.CNAME, q.owner, ttl, target);
  if (q.qtype === Type.CNAME) return found([cname]);
  if (isAddressType(q.qtype)) return { exists: true, answer: [cname], additional: [], alias: target };
  return found();
}

/** `<svc>.<ns>.svc.<zone>` */
export function lookupService(c: Cluster, namespace: string, name: string, q: Query): Found {
  const svc = c.service(namespace, name);
  if (!svc) return MISSING;
  const ttl = c.cfg.ttl;
  const fqdn = serviceFqdn(svc, q.zone);
  switch (svc.kind) {
    case 'ExternalName':
      return externalName(svc, q, ttl);
    case 'ClusterIP':
      if (isAddressType(q.qtype)) return addresses(q, ttl, svc.clusterIPs);
      return q.qtype === Type.SRV ? srv(q, ttl, clusterTargets(svc, fqdn)) : found();
    case 'Headless': {
      const addrs = c.readyAddresses(svc);
      // A headless service without a ready address has no name (SPEC §1).
      if (addrs.length === 0) return MISSING;
      if (isAddressType(q.qtype)) return addresses(q, ttl, addrs.map((a) => a.ip));
      return q.qtype === Type.SRV ? srv(q, ttl, endpointTargets(addrs, fqdn)) : found();
    }
  }
}

/** `<endpoint>.<svc>.<ns>.svc.<zone>`, under ClusterIP and headless services alike. */
export function lookupEndpoint(c: Cluster, namespace: string, name: string, endpoint: string, q: Query): Found {
  const svc = c.service(namespace, name);
  if (!svc || svc.kind === 'ExternalName') return MISSING;
  const addrs = c.readyAddresses(svc).filter((a) => a.name === endpoint);
  if (addrs.length === 0) return MISSING;
  if (isAddressType(q.qtype)) return addresses(q, c.cfg.ttl, addrs.map((a) => a.ip));
  return q.qtype === Type.SRV ? srv(q, c.cfg.ttl, endpointTargets(addrs, serviceFqdn(svc, q.zone))) : found();
}

/** `_<port>._<proto>.<svc>.<ns>.svc.<zone>`: exists only when some port matches. */
export function lookupPort(c: Cluster, namespace: string, name: string, port: string, protocol: string, q: Query): Found {
  const svc = c.service(namespace, name);
  if (!svc || svc.kind === 'ExternalName') return MISSING;
  const fqdn = serviceFqdn(svc, q.zone);
  const targets = svc.kind === 'ClusterIP'
    ? clusterTargets(svc, fqdn, port, protocol)
    : endpointTargets(c.readyAddresses(svc), fqdn, port, protocol);
  if (targets.length === 0) return MISSING;
  return q.qtype === Type.SRV ? srv(q, c.cfg.ttl, targets) : found();
}
