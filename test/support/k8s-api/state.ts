// The emulated API server's storage: objects by resource, a global resourceVersion
// counter (etcd's revision), and the history of changes a watch replays from. The
// history can be compacted (older versions answer 410 Gone) or restarted at another
// base, as after an etcd restore.

export type Obj = Record<string, unknown> & { metadata: Record<string, unknown> };

export type ResourceName = 'namespaces' | 'services' | 'endpointslices' | 'pods';

export interface ResourceInfo {
  readonly kind: string;
  readonly apiVersion: string;
  readonly namespaced: boolean;
}

export const RESOURCES: Readonly<Record<ResourceName, ResourceInfo>> = {
  namespaces: { kind: 'Namespace', apiVersion: 'v1', namespaced: false },
  services: { kind: 'Service', apiVersion: 'v1', namespaced: true },
  endpointslices: { kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', namespaced: true },
  pods: { kind: 'Pod', apiVersion: 'v1', namespaced: true },
};

const BY_KIND = new Map(Object.entries(RESOURCES).map(([r, i]) => [i.kind, r as ResourceName]));

export interface StoredEvent {
  readonly rv: number;
  readonly resource: ResourceName;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  /** The object after the change (for DELETED: its last state, at the deletion's version). */
  readonly object: Obj;
  /** The object before the change; undefined for ADDED. */
  readonly previous: Obj | undefined;
}

function keyOf(o: Obj): string {
  return `${String(o.metadata.namespace ?? '')}/${String(o.metadata.name)}`;
}

export class EmulatedState {
  /** The last resourceVersion handed out. */
  rv = 1000;
  /** The history holds every change after this version; a watch from an older one gets 410. */
  oldest = 1000;
  private readonly objects = new Map<ResourceName, Map<string, Obj>>(
    (Object.keys(RESOURCES) as ResourceName[]).map((r) => [r, new Map()]),
  );
  private history: StoredEvent[] = [];
  private readonly listeners = new Set<(e: StoredEvent) => void>();
  private uid = 0;

  static resourceOf(kind: string): ResourceName {
    const r = BY_KIND.get(kind);
    if (!r) throw new Error(`the emulator does not serve kind ${kind}`);
    return r;
  }

  /** Creates or replaces an object (ADDED or MODIFIED), stamping a new resourceVersion. */
  put(object: Record<string, unknown>): Obj {
    const o = structuredClone(object) as Obj;
    const resource = EmulatedState.resourceOf(String(o.kind));
    const info = RESOURCES[resource];
    o.apiVersion = info.apiVersion;
    const held = this.objects.get(resource)!;
    const previous = held.get(keyOf(o));
    o.metadata = {
      ...o.metadata,
      uid: previous?.metadata.uid ?? `uid-${++this.uid}`,
      resourceVersion: String(++this.rv),
      creationTimestamp: previous?.metadata.creationTimestamp ?? new Date().toISOString(),
    };
    held.set(keyOf(o), o);
    this.record({ rv: this.rv, resource, type: previous ? 'MODIFIED' : 'ADDED', object: o, previous });
    return o;
  }

  /** Deletes an object (DELETED); false when there is none. */
  remove(kind: string, namespace: string | undefined, name: string): boolean {
    const resource = EmulatedState.resourceOf(kind);
    const held = this.objects.get(resource)!;
    const key = `${namespace ?? ''}/${name}`;
    const previous = held.get(key);
    if (!previous) return false;
    held.delete(key);
    const object = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(++this.rv) } };
    this.record({ rv: this.rv, resource, type: 'DELETED', object, previous });
    return true;
  }

  /** The objects of a resource, in key order. */
  list(resource: ResourceName): Obj[] {
    return [...this.objects.get(resource)!.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, o]) => o);
  }

  /** The changes of `resource` after version `after`, or 'gone' when the history no longer (or never) held it. */
  since(resource: ResourceName, after: number): StoredEvent[] | 'gone' {
    if (!Number.isInteger(after) || after < this.oldest || after > this.rv) return 'gone';
    return this.history.filter((e) => e.rv > after && e.resource === resource);
  }

  /** Forgets the history: every version before now answers 410 Gone. */
  compact(): void {
    this.oldest = this.rv;
    this.history = [];
  }

  /** A new version history (an etcd restore): versions jump by `jump`, every object gets a new one, old versions are gone. */
  newHistory(jump = 100_000): void {
    this.rv += jump;
    for (const held of this.objects.values()) {
      for (const [key, o] of held) held.set(key, { ...o, metadata: { ...o.metadata, resourceVersion: String(++this.rv) } });
    }
    this.compact();
  }

  onEvent(listener: (e: StoredEvent) => void): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  private record(e: StoredEvent): void {
    this.history.push(e);
    for (const l of this.listeners) l(e);
  }
}
