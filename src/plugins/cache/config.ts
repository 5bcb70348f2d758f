// What `cache` is set up with, and CoreDNS's defaults (plugin/cache/cache.go New,
// plugin/pkg/dnsutil/ttl.go).

export type StaleMode = 'immediate' | 'verify';

/** One of the two caches: positive answers, or denials (NXDOMAIN, NODATA) and SERVFAIL. */
export interface KindConfig {
  /** Entries kept before the least recently used is evicted. */
  capacity: number;
  /** Longest time an answer is kept, in seconds. */
  maxTtl: number;
  /** Shortest time an answer is kept, in seconds; 0 lets TTL-0 answers through uncached. */
  minTtl: number;
  /** Names not stored in this cache (`disable success|denial ZONES`). */
  disabled: string[];
}

export interface CacheConfig {
  /** Queries outside these zones pass through untouched. */
  zones: string[];
  success: KindConfig;
  denial: KindConfig;
  /** `prefetch AMOUNT`: 0 disables prefetching. */
  prefetch: number;
  /** Popular means `prefetch` queries with no gap longer than this (ms). */
  prefetchWindow: number;
  /** Refresh once the TTL left is at most this share of the original TTL (10..90). */
  prefetchPercent: number;
  /** How long past expiry an entry may still be served (ms); 0 disables serve_stale. */
  staleUpTo: number;
  staleMode: StaleMode;
  /** How long a SERVFAIL is kept (seconds); 0 disables. */
  servfailTtl: number;
  /** Serve the TTL an answer was stored with instead of counting it down. */
  keepTtl: boolean;
}

/** CoreDNS's cache size: 256 shards of 39. */
export const DEFAULT_CAPACITY = 9984;
/** CoreDNS's smallest cache (256 shards of at least 4). */
export const MIN_CAPACITY = 1024;
export const MAX_TTL = 3600;
export const MAX_DENIAL_TTL = 1800;
/** dnsutil.MinimalDefaultTTL: the floor of every cached TTL, and the TTL of answers without records. */
export const MIN_TTL = 5;
export const DEFAULT_SERVFAIL_TTL = 5;
export const MAX_SERVFAIL_TTL = 300;
export const DEFAULT_STALE_UP_TO_MS = 3600_000;

export function defaultConfig(zones: string[]): CacheConfig {
  return {
    zones,
    success: { capacity: DEFAULT_CAPACITY, maxTtl: MAX_TTL, minTtl: MIN_TTL, disabled: [] },
    denial: { capacity: DEFAULT_CAPACITY, maxTtl: MAX_DENIAL_TTL, minTtl: MIN_TTL, disabled: [] },
    prefetch: 0,
    prefetchWindow: 60_000,
    prefetchPercent: 10,
    staleUpTo: 0,
    staleMode: 'immediate',
    servfailTtl: DEFAULT_SERVFAIL_TTL,
    keepTtl: false,
  };
}
