// ClusterStore: the in-memory cluster state every source (fixture file, API
// list+watch) writes to and the answer logic reads through ClusterView. Each
// lookup has its own index, updated per object: a change costs the size of that
// object, never a rebuild (CoreDNS's controller does the same with informer indexes).

import { pluginLogger, type Logger } from '../../log.js';
import { sameData } from './equal.js';
import { MultiIndex, NamespacedMap } from './multimap.js';
import type {
  ClusterView, EndpointHit, SlimEndpointSlice, SlimNamespace, SlimPod, SlimService,
} from './objects.js';

export interface SlimByKind {
  Namespace: SlimNamespace;
  Service: SlimService;
  EndpointSlice: SlimEndpointSlice;
  Pod: SlimPod;
}
export type SlimKind = keyof SlimByKind;
/** A slim object tagged with its kind (what convert.ts produces). */
export type SlimObject = { [K in SlimKind]: { readonly kind: K; readonly object: SlimByKind[K] } }[SlimKind];

/** replaceAll's arguments: a kind and objects of that kind (a tuple so the kind narrows the objects). */
export type ReplaceArgs = { [K in SlimKind]: [kind: K, objects: readonly SlimByKind[K][]] }[SlimKind];

const NO_SLICES: readonly SlimEndpointSlice[] = Object.freeze([]);

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The distinct addresses of a slice's endpoints; none for FQDN slices, which answers ignore. */
function sliceAddresses(s: SlimEndpointSlice): Set<string> {
  const ips = new Set<string>();
  if (s.addressType !== 'FQDN') for (const e of s.endpoints) for (const ip of e.addresses) ips.add(ip);
  return ips;
}

export class ClusterStore implements ClusterView {
  private isSynced = false;
  private ver = 0;
  private lastSerial = nowSeconds();
  private batchDepth = 0;
  private dirty = false;
  private readonly listeners = new Set<() => void>();

  private readonly namespaces = new Map<string, SlimNamespace>();
  private readonly services = new NamespacedMap<SlimService>();
  private readonly slicesByName = new NamespacedMap<SlimEndpointSlice>();
  private readonly slicesByService = new NamespacedMap<readonly SlimEndpointSlice[]>();
  private readonly pods = new NamespacedMap<SlimPod>();
  private readonly servicesByIP = new MultiIndex<SlimService>();
  /** Slices holding an address; the endpoints themselves are found per lookup (no object per endpoint). */
  private readonly slicesByIP = new MultiIndex<SlimEndpointSlice>();
  private readonly podsByIPIndex = new MultiIndex<SlimPod>();

  /** `log` receives errors thrown by onChange listeners, which never reach the writer. */
  constructor(private readonly log: Logger = pluginLogger('kubernetes')) {}

  get synced(): boolean { return this.isSynced; }
  get version(): number { return this.ver; }
  get serial(): number { return this.lastSerial; }

  // ---- ClusterView ----

  namespace(name: string): SlimNamespace | undefined {
    return this.namespaces.get(name);
  }

  service(namespace: string, name: string): SlimService | undefined {
    return this.services.get(namespace, name);
  }

  slices(namespace: string, service: string): readonly SlimEndpointSlice[] {
    return this.slicesByService.get(namespace, service) ?? NO_SLICES;
  }

  servicesByClusterIP(ip: string): readonly SlimService[] {
    return this.servicesByIP.get(ip);
  }

  endpointsByIP(ip: string): readonly EndpointHit[] {
    const hits: EndpointHit[] = [];
    for (const slice of this.slicesByIP.get(ip)) {
      for (const endpoint of slice.endpoints) if (endpoint.addresses.includes(ip)) hits.push({ slice, endpoint });
    }
    return hits;
  }

  podsByIP(ip: string): readonly SlimPod[] {
    return this.podsByIPIndex.get(ip);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  // ---- mutation ----

  upsertNamespace(ns: SlimNamespace): void {
    const old = this.namespaces.get(ns.name);
    if (old && sameData(old, ns)) return;
    this.namespaces.set(ns.name, ns);
    this.changed();
  }

  removeNamespace(name: string): void {
    if (this.namespaces.delete(name)) this.changed();
  }

  upsertService(s: SlimService): void {
    const old = this.services.get(s.namespace, s.name);
    if (old && sameData(old, s)) return;
    if (old) this.unindexService(old);
    this.services.set(s.namespace, s.name, s);
    for (const ip of s.clusterIPs) this.servicesByIP.add(ip, s);
    this.changed();
  }

  removeService(namespace: string, name: string): void {
    const old = this.services.get(namespace, name);
    if (!old) return;
    this.unindexService(old);
    this.services.delete(namespace, name);
    this.changed();
  }

  upsertSlice(s: SlimEndpointSlice): void {
    const old = this.slicesByName.get(s.namespace, s.name);
    if (old && sameData(old, s)) return;
    if (old) this.unindexSlice(old);
    this.slicesByName.set(s.namespace, s.name, s);
    this.indexSlice(s);
    this.changed();
  }

  removeSlice(namespace: string, name: string): void {
    const old = this.slicesByName.get(namespace, name);
    if (!old) return;
    this.unindexSlice(old);
    this.slicesByName.delete(namespace, name);
    this.changed();
  }

  upsertPod(p: SlimPod): void {
    const old = this.pods.get(p.namespace, p.name);
    if (old && sameData(old, p)) return;
    if (old) this.unindexPod(old);
    this.pods.set(p.namespace, p.name, p);
    for (const ip of p.ips) this.podsByIPIndex.add(ip, p);
    this.changed();
  }

  removePod(namespace: string, name: string): void {
    const old = this.pods.get(namespace, name);
    if (!old) return;
    this.unindexPod(old);
    this.pods.delete(namespace, name);
    this.changed();
  }

  /** Replaces every object of one kind (a relist or a fixture reload): upserts what changed, removes what is gone. */
  replaceAll(...[kind, objects]: ReplaceArgs): void {
    this.batch(() => {
      switch (kind) {
        case 'Namespace': {
          const wanted = new Map(objects.map((o) => [o.name, o]));
          for (const name of [...this.namespaces.keys()]) if (!wanted.has(name)) this.removeNamespace(name);
          for (const o of wanted.values()) this.upsertNamespace(o);
          return;
        }
        case 'Service':
          return this.sweep(this.services, objects, (o) => this.upsertService(o), (ns, n) => this.removeService(ns, n));
        case 'EndpointSlice':
          return this.sweep(this.slicesByName, objects, (o) => this.upsertSlice(o), (ns, n) => this.removeSlice(ns, n));
        case 'Pod':
          return this.sweep(this.pods, objects, (o) => this.upsertPod(o), (ns, n) => this.removePod(ns, n));
      }
    });
  }

  /** The source has delivered a complete first state (answers may now be NXDOMAIN). */
  markSynced(): void {
    if (this.isSynced) return;
    this.isSynced = true;
    this.changed();
  }

  /** Batches changes so listeners fire and version bumps once (fixture reloads apply hundreds of changes). */
  batch(fn: () => void): void {
    this.batchDepth++;
    try {
      fn();
    } finally {
      if (--this.batchDepth === 0 && this.dirty) this.commit();
    }
  }

  // ---- internals ----

  /** Removes the held objects missing from `objects`, then upserts `objects` (the last of duplicates wins). */
  private sweep<T extends { readonly namespace: string; readonly name: string }>(
    held: NamespacedMap<T>, objects: readonly T[], upsert: (o: T) => void, remove: (ns: string, name: string) => void,
  ): void {
    const wanted = new NamespacedMap<T>();
    for (const o of objects) wanted.set(o.namespace, o.name, o);
    for (const [ns, name] of [...held.keys()]) if (wanted.get(ns, name) === undefined) remove(ns, name);
    for (const o of objects) if (wanted.get(o.namespace, o.name) === o) upsert(o);
  }

  private unindexService(s: SlimService): void {
    for (const ip of s.clusterIPs) this.servicesByIP.remove(ip, s);
  }

  private unindexPod(p: SlimPod): void {
    for (const ip of p.ips) this.podsByIPIndex.remove(ip, p);
  }

  private indexSlice(s: SlimEndpointSlice): void {
    const list = this.slicesByService.get(s.namespace, s.service);
    this.slicesByService.set(s.namespace, s.service, list ? list.concat([s]) : [s]);
    for (const ip of sliceAddresses(s)) this.slicesByIP.add(ip, s);
  }

  private unindexSlice(s: SlimEndpointSlice): void {
    const list = this.slicesByService.get(s.namespace, s.service) ?? [];
    const kept = list.filter((v) => v !== s);
    if (kept.length) this.slicesByService.set(s.namespace, s.service, kept.slice());
    else this.slicesByService.delete(s.namespace, s.service);
    for (const ip of sliceAddresses(s)) this.slicesByIP.remove(ip, s);
  }

  private changed(): void {
    this.dirty = true;
    if (this.batchDepth === 0) this.commit();
  }

  private commit(): void {
    this.dirty = false;
    this.ver++;
    // Strictly increasing, so two changes within one second still give two serials.
    this.lastSerial = Math.max(nowSeconds(), this.lastSerial + 1);
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (err) {
        this.log.error({ err }, 'kubernetes: a cluster state listener failed');
      }
    }
  }
}
