// Cluster state as the answers see it: ClusterView narrowed by the options that
// hide objects (`namespaces`, `namespace_labels`, `labels`, `noendpoints`,
// `ignore empty_service`) and by readiness (SPEC §1: not-ready endpoints appear nowhere).

import type { KubernetesConfig } from './config.js';
import type { ClusterView, SlimEndpoint, SlimEndpointSlice, SlimService } from './objects.js';

/** One address of a ready endpoint (IPv4 or IPv6 slice), with the name it is served under. */
export interface ReadyAddress {
  readonly slice: SlimEndpointSlice;
  readonly ip: string;
  /** The endpoint's label under its service (SPEC §1 "Endpoint name"). */
  readonly name: string;
}

const MAX_LABEL = 63;

/**
 * The endpoint's hostname; else, with `endpoint_pod_names`, its pod's name when
 * that fits in one label; else its address dashed (IPv6: a trailing '-' gets a
 * '0', so `2001:db8::` is `2001-db8--0`, as CoreDNS does).
 */
export function endpointName(ep: SlimEndpoint, ip: string, podNames: boolean): string {
  if (ep.hostname) return ep.hostname;
  if (podNames && ep.podName && ep.podName.length <= MAX_LABEL && !ep.podName.includes('.')) return ep.podName;
  if (ip.includes('.')) return ip.replaceAll('.', '-');
  const dashed = ip.replaceAll(':', '-');
  return dashed.endsWith('-') ? dashed + '0' : dashed;
}

export class Cluster {
  constructor(readonly view: ClusterView, readonly cfg: KubernetesConfig) {}

  /** The namespace exists, is listed by `namespaces` (if set) and matches `namespace_labels` (if set). */
  namespaceExposed(name: string): boolean {
    if (this.cfg.namespaces.size > 0 && !this.cfg.namespaces.has(name)) return false;
    const ns = this.view.namespace(name);
    if (!ns) return false;
    return this.cfg.namespaceLabels === undefined || this.cfg.namespaceLabels.matches(ns.labels);
  }

  /** A service that answers may show, or undefined. */
  service(namespace: string, name: string): SlimService | undefined {
    if (!this.namespaceExposed(namespace)) return undefined;
    const svc = this.view.service(namespace, name);
    if (!svc) return undefined;
    // `ignore empty_service`: a ClusterIP service without a ready endpoint is NXDOMAIN (CoreDNS).
    if (this.cfg.ignoreEmptyService && svc.kind === 'ClusterIP' && this.readyAddresses(svc).length === 0) return undefined;
    return svc;
  }

  /** The addresses of a service's ready endpoints; none with `noendpoints`. */
  readyAddresses(svc: SlimService): ReadyAddress[] {
    if (this.cfg.noEndpoints) return [];
    const out: ReadyAddress[] = [];
    for (const slice of this.view.slices(svc.namespace, svc.name)) {
      if (slice.addressType === 'FQDN') continue;
      for (const ep of slice.endpoints) {
        if (!ep.ready) continue;
        for (const ip of ep.addresses) out.push({ slice, ip, name: endpointName(ep, ip, this.cfg.endpointPodNames) });
      }
    }
    return out;
  }
}
