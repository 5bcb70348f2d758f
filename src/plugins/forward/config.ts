// What a `forward` directive configures (CoreDNS plugin/forward/setup.go).

export type Policy = 'random' | 'round_robin' | 'sequential';

export interface UpstreamAddress {
  readonly host: string;
  readonly port: number;
  /** "1.2.3.4:53", "[::1]:53": how metrics and logs name it (CoreDNS's `to` label). */
  readonly label: string;
  /** The resolv.conf file it was read from, if any (named in loop messages). */
  readonly file?: string;
}

export interface HealthCheck {
  /** Between two checks of an upstream that is failing (ms). */
  readonly intervalMs: number;
  /** RD on the probe (`no_rec` clears it). */
  readonly recursionDesired: boolean;
  /** The probe's name: `. IN NS` unless `domain FQDN`. */
  readonly domain: string;
}

export interface ForwardConfig {
  /** The zone forwarded (lower-case FQDN); other names go to the next plugin. */
  readonly from: string;
  readonly to: readonly UpstreamAddress[];
  /** Zones inside FROM that are not forwarded. */
  readonly except: readonly string[];
  readonly forceTcp: boolean;
  readonly preferUdp: boolean;
  /** An upstream socket or connection unused for this long is closed (ms). */
  readonly expireMs: number;
  /** Consecutive failures that mark an upstream down; 0: never down, never checked. */
  readonly maxFails: number;
  readonly healthCheck: HealthCheck;
  readonly policy: Policy;
  /** Queries in flight at most; past it REFUSED. 0: no limit. */
  readonly maxConcurrent: number;
  /** Upstream rcodes that hand the query to the next plugin. */
  readonly next: ReadonlySet<number>;
  /** Upstream rcodes that make forward try the next upstream (the last reply wins if all give one). */
  readonly failover: ReadonlySet<number>;
  /** With every upstream down: SERVFAIL at once instead of trying a random one. */
  readonly failfastAllUnhealthy: boolean;
}

export const MAX_UPSTREAMS = 15;

/** Everything but FROM and TO, as a bare `forward FROM TO...` line has it (CoreDNS's defaults). */
export const DEFAULTS: Omit<ForwardConfig, 'from' | 'to'> = {
  except: [], forceTcp: false, preferUdp: false, expireMs: 10_000, maxFails: 2,
  healthCheck: { intervalMs: 500, recursionDesired: true, domain: '.' }, policy: 'random',
  maxConcurrent: 0, next: new Set(), failover: new Set(), failfastAllUnhealthy: false,
};
