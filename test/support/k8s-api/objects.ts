// API objects for the emulator, as the API server stores them (JSON).

export type Labels = Record<string, string>;

export function namespace(name: string, labels: Labels = {}): Record<string, unknown> {
  return { kind: 'Namespace', metadata: { name, labels } };
}

export interface ServiceSpec {
  clusterIP?: string;
  clusterIPs?: string[];
  type?: string;
  externalName?: string;
  ports?: { name?: string; port: number; protocol?: string }[];
  labels?: Labels;
}

export function service(ns: string, name: string, spec: ServiceSpec = {}): Record<string, unknown> {
  const { labels = {}, ...rest } = spec;
  const clusterIPs = rest.clusterIPs ?? (rest.clusterIP ? [rest.clusterIP] : undefined);
  return {
    kind: 'Service',
    metadata: { name, namespace: ns, labels },
    spec: { type: 'ClusterIP', ...rest, ...(clusterIPs ? { clusterIP: clusterIPs[0], clusterIPs } : {}) },
  };
}

export interface EndpointSpec {
  ip: string;
  hostname?: string;
  ready?: boolean;
  pod?: string;
}

/** An EndpointSlice of `svc` (labelled kubernetes.io/service-name, plus the service's own `labels`). */
export function endpointSlice(ns: string, name: string, svc: string, endpoints: EndpointSpec[],
  opts: { type?: 'IPv4' | 'IPv6'; ports?: { name?: string; port: number; protocol?: string }[]; labels?: Labels } = {}): Record<string, unknown> {
  return {
    kind: 'EndpointSlice',
    metadata: { name, namespace: ns, labels: { ...opts.labels, 'kubernetes.io/service-name': svc } },
    addressType: opts.type ?? 'IPv4',
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready ?? true },
      ...(e.hostname ? { hostname: e.hostname } : {}),
      ...(e.pod ? { targetRef: { kind: 'Pod', name: e.pod, namespace: ns } } : {}),
    })),
    ports: opts.ports ?? [{ name: 'http', port: 80, protocol: 'TCP' }],
  };
}

export function pod(ns: string, name: string, ip: string, opts: { phase?: string; labels?: Labels; deleting?: boolean } = {}): Record<string, unknown> {
  return {
    kind: 'Pod',
    metadata: {
      name, namespace: ns, labels: opts.labels ?? {},
      ...(opts.deleting ? { deletionTimestamp: new Date().toISOString() } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'example' }] },
    status: { phase: opts.phase ?? 'Running', podIP: ip, podIPs: [{ ip }] },
  };
}
