// Raw API objects (unknown JSON, as the API or `kubectl get -o yaml` gives them)
// -> slim objects holding only what answers need (SPEC §1, §2). Input is checked
// field by field: an object DNS cannot use is skipped with a reason, never thrown on.

import { isIPv4 } from 'node:net';
import { canonicalIp } from '../../dns/ip.js';
import { fqdn } from '../../dns/names.js';
import type { SlimEndpoint, SlimEndpointSlice, SlimNamespace, SlimPod, SlimPort, SlimService } from './objects.js';
import type { SlimObject } from './store.js';

type Obj = Readonly<Record<string, unknown>>;

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

function asObj(x: unknown): Obj | undefined {
  return typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Obj) : undefined;
}

function asStr(x: unknown): string | undefined {
  return typeof x === 'string' ? x : undefined;
}

function asList(x: unknown): readonly unknown[] {
  return Array.isArray(x) ? x : [];
}

/**
 * One shared copy of values that thousands of objects repeat (namespaces, port
 * names, protocols, whole ports), so 50,000 pods do not hold 50,000 copies of
 * their namespace. Bounded: when full it starts over, as sharing only saves memory.
 */
class Interner<T> {
  private readonly map = new Map<string, T>();
  constructor(private readonly cap: number) {}
  get(key: string, make: () => T): T {
    const hit = this.map.get(key);
    if (hit !== undefined) return hit;
    if (this.map.size >= this.cap) this.map.clear();
    const v = make();
    this.map.set(key, v);
    return v;
  }
}

const strings = new Interner<string>(4096);
const ports = new Interner<SlimPort>(4096);
const NONE: readonly never[] = Object.freeze([]);

function intern(s: string): string {
  return strings.get(s, () => s);
}

export type ConvertResult = SlimObject | { readonly skip: string };

/** Converts one API object; `{ skip }` says why an object is not used (the caller logs it). */
export function toSlim(raw: unknown): ConvertResult {
  const o = asObj(raw);
  if (!o) return { skip: 'an item is not an object' };
  const kind = asStr(o.kind);
  if (!kind) return { skip: 'an item has no kind' };
  const meta = asObj(o.metadata) ?? {};
  const name = asStr(meta.name)?.toLowerCase();
  if (!name) return { skip: `a ${kind} has no metadata.name` };
  if (kind === 'Namespace') return { kind, object: toNamespace(name, meta) };
  if (kind !== 'Service' && kind !== 'EndpointSlice' && kind !== 'Pod') {
    return { skip: `${kind} ${name}: kind ${kind} is not used by kdns` };
  }
  const nsText = asStr(meta.namespace)?.toLowerCase();
  if (!nsText) return { skip: `${kind} ${name} has no metadata.namespace` };
  const namespace = intern(nsText);
  switch (kind) {
    case 'Service': {
      const s = toService(namespace, name, asObj(o.spec) ?? {});
      return typeof s === 'string' ? { skip: `Service ${namespace}/${name}: ${s}` } : { kind, object: s };
    }
    case 'EndpointSlice': {
      const s = toSlice(namespace, name, o, meta);
      return typeof s === 'string' ? { skip: `EndpointSlice ${namespace}/${name}: ${s}` } : { kind, object: s };
    }
    case 'Pod':
      return { kind, object: toPod(namespace, name, o, meta) };
  }
}

function toNamespace(name: string, meta: Obj): SlimNamespace {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(asObj(meta.labels) ?? {})) if (typeof v === 'string') labels[k] = v;
  return { name: intern(name), labels };
}

/** A Service, or the reason it cannot be used. */
function toService(namespace: string, name: string, spec: Obj): SlimService | string {
  const ports = toPorts(spec.ports);
  if (asStr(spec.type) === 'ExternalName') {
    const target = asStr(spec.externalName)?.trim();
    if (!target) return 'type ExternalName without spec.externalName';
    // An IP literal is kept as written: the answer side turns it into NXDOMAIN (SPEC §1).
    return { namespace, name, kind: 'ExternalName', clusterIPs: NONE, externalName: fqdn(target), ports };
  }
  // spec.clusterIPs is newer (dual-stack); older objects only carry spec.clusterIP.
  let raw = asList(spec.clusterIPs);
  if (raw.length === 0) raw = [spec.clusterIP];
  if (raw[0] === 'None') return { namespace, name, kind: 'Headless', clusterIPs: NONE, externalName: '', ports };
  return { namespace, name, kind: 'ClusterIP', clusterIPs: uniqueIps(raw), externalName: '', ports };
}

function toPorts(x: unknown): readonly SlimPort[] {
  const out: SlimPort[] = [];
  for (const item of asList(x)) {
    const p = asObj(item);
    const port = p?.port;
    // EndpointSlice ports may lack a number ("all ports"); DNS has nothing to say about those.
    if (!p || typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) continue;
    const name = intern(asStr(p.name)?.toLowerCase() ?? '');
    const protocol = intern(asStr(p.protocol)?.toUpperCase() || 'TCP');
    out.push(ports.get(`${name}/${protocol}/${port}`, () => Object.freeze({ name, protocol, port })));
  }
  return exact(out);
}

/**
 * The same elements in an array of exactly that length: an array grown by push keeps
 * room for 17, which for 100,000 one-address endpoints is megabytes of nothing.
 */
function exact<T>(a: T[]): readonly T[] {
  return a.length === 0 ? NONE : a.slice();
}

/** Canonical, de-duplicated addresses of one family or both; text that is no address is dropped. */
function uniqueIps(raw: readonly unknown[], family?: 'IPv4' | 'IPv6'): readonly string[] {
  const out: string[] = [];
  for (const r of raw) {
    if (typeof r !== 'string') continue;
    // isIPv4 refuses leading zeros, so text it accepts is canonical already: kept as
    // is, which skips canonicalIp's work and one string per address.
    const ip = isIPv4(r) ? r : canonicalIp(r.trim());
    if (!ip || out.includes(ip) || (family && isIPv4(ip) !== (family === 'IPv4'))) continue;
    out.push(ip === r ? r : ip);
  }
  return exact(out);
}

function toSlice(namespace: string, name: string, o: Obj, meta: Obj): SlimEndpointSlice | string {
  const service = asStr(asObj(meta.labels)?.[SERVICE_NAME_LABEL])?.toLowerCase();
  if (!service) return `no ${SERVICE_NAME_LABEL} label`;
  const addressType = asStr(o.addressType);
  if (addressType !== 'IPv4' && addressType !== 'IPv6' && addressType !== 'FQDN') {
    return `addressType ${String(addressType)} is not IPv4, IPv6 or FQDN`;
  }
  const endpoints: SlimEndpoint[] = [];
  for (const item of asList(o.endpoints)) {
    const e = asObj(item);
    const addresses = e ? endpointAddresses(e.addresses, addressType) : [];
    // An endpoint without an address has nothing to answer with.
    if (!e || addresses.length === 0) continue;
    const targetRef = asObj(e.targetRef);
    endpoints.push({
      addresses,
      hostname: asStr(e.hostname)?.toLowerCase() || undefined,
      podName: targetRef?.kind === 'Pod' ? asStr(targetRef.name)?.toLowerCase() || undefined : undefined,
      // Unset means ready (SPEC §1: "conditions.ready is true or unset").
      ready: asObj(e.conditions)?.ready !== false,
    });
  }
  return { namespace, name, service: intern(service), addressType, endpoints: exact(endpoints), ports: toPorts(o.ports) };
}

function endpointAddresses(x: unknown, type: 'IPv4' | 'IPv6' | 'FQDN'): readonly string[] {
  const raw = asList(x);
  if (type === 'FQDN') return exact(raw.flatMap((a) => (typeof a === 'string' && a ? [fqdn(a)] : [])));
  // Addresses of the other family than the slice declares are dropped, as the API rejects them.
  return uniqueIps(raw, type);
}

function toPod(namespace: string, name: string, o: Obj, meta: Obj): SlimPod {
  const status = asObj(o.status) ?? {};
  let raw: readonly unknown[] = asList(status.podIPs).map((p) => asObj(p)?.ip);
  if (raw.length === 0) raw = [status.podIP];
  return { namespace, name, ips: uniqueIps(raw), deleting: meta.deletionTimestamp != null };
}
