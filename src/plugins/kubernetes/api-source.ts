// ApiSource: cluster state from the Kubernetes API (list+watch, src/k8s/) into
// the ClusterStore, as CoreDNS's controller feeds its indexes. One reflector per
// resource: Namespaces, Services, EndpointSlices (not with `noendpoints`) and Pods
// (only with `pods verified`). `labels` and `namespace_labels` go to the API server
// as label selectors (as CoreDNS does); `namespaces` is applied here, so objects of
// other namespaces cost no memory. The store is marked synced once every resource
// has been listed; an unreachable API leaves the state as it was.

import { ApiClient } from '../../k8s/client.js';
import { Connection, type ApiTarget } from '../../k8s/connection.js';
import { timingsFromEnv } from '../../k8s/env.js';
import { ApiHealth } from '../../k8s/health.js';
import { Reflector, type Resource, type Sink } from '../../k8s/reflector.js';
import type { Logger } from '../../log.js';
import type { KubernetesConfig } from './config.js';
import { toSlim } from './convert.js';
import type { ClusterStore, ReplaceArgs, SlimByKind, SlimKind } from './store.js';

/** CoreDNS leaves finished pods out: their addresses go to new pods. */
const RUNNING_PODS = 'status.phase!=Succeeded,status.phase!=Failed,status.phase!=Unknown';

/** The resources to watch for this configuration. */
export function resourcesFor(cfg: KubernetesConfig): Resource[] {
  const labels = cfg.labels?.toString() || undefined;
  const out: Resource[] = [
    { name: 'namespaces', path: '/api/v1/namespaces', kind: 'Namespace', labelSelector: cfg.namespaceLabels?.toString() || undefined },
    { name: 'services', path: '/api/v1/services', kind: 'Service', labelSelector: labels },
  ];
  if (!cfg.noEndpoints) {
    out.push({ name: 'endpointslices', path: '/apis/discovery.k8s.io/v1/endpointslices', kind: 'EndpointSlice', labelSelector: labels });
  }
  if (cfg.pods === 'verified') {
    out.push({ name: 'pods', path: '/api/v1/pods', kind: 'Pod', labelSelector: labels, fieldSelector: RUNNING_PODS });
  }
  return out;
}

type Writers = { [K in SlimKind]: { upsert(o: SlimByKind[K]): void; remove(namespace: string, name: string): void } };

function writers(store: ClusterStore): Writers {
  return {
    Namespace: { upsert: (o) => store.upsertNamespace(o), remove: (_ns, name) => store.removeNamespace(name) },
    Service: { upsert: (o) => store.upsertService(o), remove: (ns, name) => store.removeService(ns, name) },
    EndpointSlice: { upsert: (o) => store.upsertSlice(o), remove: (ns, name) => store.removeSlice(ns, name) },
    Pod: { upsert: (o) => store.upsertPod(o), remove: (ns, name) => store.removePod(ns, name) },
  };
}

export class ApiSource {
  /** Reachability and request counts (for logs and metrics). */
  readonly health: ApiHealth;
  private readonly reflectors: Reflector<unknown>[] = [];
  private stopped = false;

  constructor(
    private readonly cfg: KubernetesConfig,
    private readonly target: ApiTarget,
    private readonly store: ClusterStore,
    private readonly log: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.health = new ApiHealth(log);
  }

  /**
   * Loads the connection settings (throws K8sConfigError when unusable) and starts
   * watching; resolves at once, the store syncs when every first list is in.
   */
  async start(): Promise<void> {
    const timings = timingsFromEnv(this.env);
    const conn = await Connection.open(this.target, this.env);
    if (this.stopped) return;
    const client = new ApiClient(conn, timings.idleTimeoutMs, this.health.count);
    const resources = resourcesFor(this.cfg);
    const t0 = Date.now();
    let listing = resources.length;
    const onSynced = (): void => {
      if (--listing > 0) return;
      this.store.markSynced();
      this.log.info({ ms: Date.now() - t0 }, `kubernetes API: cluster state synced in ${Date.now() - t0} ms`);
    };
    const w = writers(this.store);
    for (const r of resources) {
      const sink = this.sink(r.kind as SlimKind, w) as Sink<unknown>;
      this.reflectors.push(new Reflector(r, client, conn, sink, this.health, this.log, timings, onSynced));
    }
    this.log.info({ server: conn.server, resources: resources.map((r) => r.name) },
      `kubernetes API: watching ${resources.map((r) => r.name).join(', ')} at ${conn.server} (${conn.description})`);
    for (const r of this.reflectors) r.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.reflectors.map((r) => r.stop()));
  }

  private sink<K extends SlimKind>(kind: K, w: Writers): Sink<SlimByKind[K]> {
    const write = w[kind] as Writers[SlimKind] as { upsert(o: SlimByKind[K]): void; remove(ns: string, name: string): void };
    return {
      decode: (raw) => {
        const r = toSlim(raw);
        if ('skip' in r) {
          this.log.debug({ reason: r.skip }, `kubernetes API: object skipped: ${r.skip}`);
          return undefined;
        }
        if (r.kind !== kind) return undefined;
        const o = r.object as SlimByKind[K];
        return this.exposed(o) ? o : undefined;
      },
      replace: (items) => this.store.replaceAll(...([kind, items] as unknown as ReplaceArgs)),
      apply: (changes) => this.store.batch(() => {
        for (const c of changes) {
          if (c.type === 'upsert') write.upsert(c.item);
          else write.remove(c.namespace, c.name);
        }
      }),
    };
  }

  /** `namespaces`: objects of other namespaces (and those namespaces themselves) are not kept. */
  private exposed(o: SlimByKind[SlimKind]): boolean {
    if (this.cfg.namespaces.size === 0) return true;
    return this.cfg.namespaces.has('namespace' in o ? o.namespace : o.name);
  }
}
