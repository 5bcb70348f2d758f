// Slim cluster objects: only what DNS answers need (as CoreDNS's object/ package),
// and the read-only view of cluster state that answers depend on. Any source
// (fixture file, API watch) feeds a ClusterStore that implements ClusterView, so
// answer tests can use a store filled by hand.

export interface SlimPort {
  /** "" for an unnamed port. */
  readonly name: string;
  /** "TCP", "UDP" or "SCTP" (upper case, as the API gives it). */
  readonly protocol: string;
  readonly port: number;
}

export type ServiceKind = 'ClusterIP' | 'Headless' | 'ExternalName';

export interface SlimService {
  readonly namespace: string;
  /** Lower case, as the API enforces (RFC 1123 label). */
  readonly name: string;
  readonly kind: ServiceKind;
  /** Canonical addresses from spec.clusterIPs (or spec.clusterIP); empty when headless or ExternalName. */
  readonly clusterIPs: readonly string[];
  /** Lower-case FQDN of spec.externalName ("" unless kind is ExternalName). */
  readonly externalName: string;
  readonly ports: readonly SlimPort[];
}

export interface SlimEndpoint {
  /** Canonical addresses. */
  readonly addresses: readonly string[];
  readonly hostname: string | undefined;
  /** targetRef.name when targetRef.kind is Pod. */
  readonly podName: string | undefined;
  /** conditions.ready, with unset meaning true (SPEC §1). */
  readonly ready: boolean;
}

export interface SlimEndpointSlice {
  readonly namespace: string;
  readonly name: string;
  /** The kubernetes.io/service-name label. */
  readonly service: string;
  readonly addressType: 'IPv4' | 'IPv6' | 'FQDN';
  readonly endpoints: readonly SlimEndpoint[];
  readonly ports: readonly SlimPort[];
}

export interface SlimPod {
  readonly namespace: string;
  readonly name: string;
  /** Canonical status.podIPs (or status.podIP). */
  readonly ips: readonly string[];
  /** metadata.deletionTimestamp is set. */
  readonly deleting: boolean;
}

export interface SlimNamespace {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** An endpoint found by address (for PTR), with the slice it belongs to. */
export interface EndpointHit {
  readonly slice: SlimEndpointSlice;
  readonly endpoint: SlimEndpoint;
}

/** What the answer logic reads. All lookups are in memory and synchronous. */
export interface ClusterView {
  /** True once the source has delivered a complete first state. */
  readonly synced: boolean;
  /** Bumped on every change: answers cached under an older version are stale. */
  readonly version: number;
  /** SOA serial: unix seconds of the last change. */
  readonly serial: number;
  namespace(name: string): SlimNamespace | undefined;
  service(namespace: string, name: string): SlimService | undefined;
  /** Every EndpointSlice labelled for this service (ready and not-ready endpoints alike). */
  slices(namespace: string, service: string): readonly SlimEndpointSlice[];
  /** Services with this cluster IP (canonical form). */
  servicesByClusterIP(ip: string): readonly SlimService[];
  /** Endpoints holding this address (canonical form), in any slice. */
  endpointsByIP(ip: string): readonly EndpointHit[];
  /** Pods with this IP (canonical form). */
  podsByIP(ip: string): readonly SlimPod[];
  /** Calls `listener` after every change; returns a function that unsubscribes. */
  onChange(listener: () => void): () => void;
}
