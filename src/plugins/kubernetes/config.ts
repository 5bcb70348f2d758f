// What the `kubernetes` directive configures (setup.ts parses it; the answers read it).

import type { Selector } from './selector.js';

export type PodMode = 'disabled' | 'insecure' | 'verified';

export interface KubernetesConfig {
  /** Lower-case FQDNs the plugin is authoritative for, forward and reverse. */
  readonly zones: readonly string[];
  /** The first forward zone: PTR targets and NS names are written in it (CoreDNS's primary zone). */
  readonly primaryZone: string;
  /** `endpoint URL`: a remote API server to list+watch (the first one given). */
  readonly endpoint: string | undefined;
  readonly tls: { readonly cert: string; readonly key: string; readonly ca: string } | undefined;
  readonly kubeconfig: { readonly file: string; readonly context: string | undefined } | undefined;
  /** `namespaces`: the only namespaces exposed; empty means all. */
  readonly namespaces: ReadonlySet<string>;
  /** `labels`: only services matching it are served. */
  readonly labels: Selector | undefined;
  /** `namespace_labels`: only namespaces matching it are exposed. */
  readonly namespaceLabels: Selector | undefined;
  readonly pods: PodMode;
  readonly endpointPodNames: boolean;
  /** Seconds, on every record (SOA minimum too); dns-version keeps 28800. */
  readonly ttl: number;
  readonly noEndpoints: boolean;
  /** `fallthrough [ZONES]`: zones whose NXDOMAIN goes to the next plugin; ["."] for all; undefined when off. */
  readonly fallthrough: readonly string[] | undefined;
  readonly ignoreEmptyService: boolean;
  /** Milliseconds start() waits for the first sync. */
  readonly startupTimeout: number;
  /** `fixture FILE` (kdns): an absolute path; the cluster state source. */
  readonly fixture: string | undefined;
}

export const DEFAULT_TTL = 5;
export const DEFAULT_STARTUP_TIMEOUT_MS = 5000;
