// The cache handler (CoreDNS plugin/cache: handler.go, cache.go), on lru-cache.
// Keyed by name, type, class and the DO and CD bits. Positive answers and denials
// (with SERVFAIL) are kept apart, each with its own capacity and TTL bounds.
// kdns additions: entries under a zone whose data changes (instance.onChange)
// are dropped at once, and a refresh that fails keeps the entry it would replace.

import { LRUCache } from 'lru-cache';
import { Rcode } from '../../dns/constants.js';
import type { Request, Response } from '../../dns/message.js';
import { typify, type ResponseType } from '../../dns/typify.js';
import { later } from '../../server/chain.js';
import type { Answer, Ctx, Handler, Next } from '../plugin.js';
import { matchZone } from '../pkg/zones.js';
import type { CacheConfig } from './config.js';
import { Entry, type Kind } from './entry.js';
import { clampTtl, minimalTtl, withTtl, type Sections } from './ttl.js';
import { ZoneIndex } from './zone-index.js';

/** Counters as CoreDNS's coredns_cache_* metrics count them; plain fields for the prometheus plugin. */
export interface CacheStats {
  /** Queries in the cache's zones (coredns_cache_requests_total). */
  requests: number;
  misses: number;
  /** By the cache that answered (coredns_cache_hits_total{type}). */
  hits: Record<Kind, number>;
  prefetches: number;
  servedStale: number;
  evictions: Record<Kind, number>;
}

function keyOf(req: Request): string {
  // The name ends with its only trailing dot, so what follows cannot be mistaken for it.
  return `${req.lname}${req.qtype}/${req.qclass}/${req.edns?.dnssecOk ? 1 : 0}${req.cd ? 1 : 0}`;
}

export class Cache implements Handler {
  readonly name = 'cache';
  readonly stats: CacheStats = {
    requests: 0, misses: 0, hits: { success: 0, denial: 0 }, prefetches: 0, servedStale: 0,
    evictions: { success: 0, denial: 0 },
  };
  private readonly lru: Record<Kind, LRUCache<string, Entry>>;
  private readonly index = new ZoneIndex();
  private readonly everyZone: boolean;
  /** Counts announced changes: an answer fetched across one is not stored (it may predate it). */
  private changes = 0;

  constructor(readonly cfg: CacheConfig, private readonly now: () => number = Date.now) {
    this.lru = { success: this.newLru('success'), denial: this.newLru('denial') };
    this.everyZone = cfg.zones.includes('.');
  }

  private newLru(kind: Kind): LRUCache<string, Entry> {
    return new LRUCache<string, Entry>({
      max: this.cfg[kind].capacity,
      dispose: (entry, key, reason) => {
        this.index.remove(key, entry.lname);
        if (reason === 'evict') this.stats.evictions[kind]++;
      },
    });
  }

  /** Entries held (coredns_cache_entries{type}). */
  entries(kind: Kind): number {
    return this.lru[kind].size;
  }

  serve(ctx: Ctx, req: Request, next: Next): Answer {
    if (!this.everyZone && matchZone(this.cfg.zones, req.lname) === undefined) return next(ctx, req);
    this.stats.requests++;
    const now = this.now();
    const key = keyOf(req);
    const entry = this.lru.success.get(key) ?? this.lru.denial.get(key);
    if (entry !== undefined) {
      const left = entry.remaining(now);
      if (left > 0) {
        this.stats.hits[entry.kind]++;
        if (this.shouldPrefetch(entry, now, left)) this.refresh(ctx, req, next, entry, true);
        return entry.response(this.cfg.keepTtl ? entry.ttl : left);
      }
      if (entry.expiredFor(now) < this.cfg.staleUpTo) {
        this.stats.hits[entry.kind]++;
        return this.serveStale(ctx, req, next, entry);
      }
      this.lru[entry.kind].delete(key);
    }
    this.stats.misses++;
    return this.fetch(ctx, req, next, key);
  }

  /** Drops every entry under `zones` (their data changed). */
  dropZones(zones: readonly string[]): void {
    this.changes++;
    for (const zone of zones) {
      for (const key of this.index.keysUnder(zone, () => this.allNames())) {
        this.lru.success.delete(key);
        this.lru.denial.delete(key);
      }
    }
  }

  private *allNames(): Iterable<[string, string]> {
    for (const lru of [this.lru.success, this.lru.denial]) for (const [key, e] of lru.entries()) yield [key, e.lname];
  }

  private async fetch(ctx: Ctx, req: Request, next: Next, key: string): Promise<Response> {
    const changes = this.changes;
    const resp = await next(ctx, req);
    return this.admit(req, key, resp, changes).reply;
  }

  /** serve_stale: answer with TTL 0, refreshing after (immediate) or trying a refresh first (verify). */
  private async serveStale(ctx: Ctx, req: Request, next: Next, entry: Entry): Promise<Response> {
    if (this.cfg.staleMode === 'verify') {
      const changes = this.changes;
      const fresh = await later(() => next(ctx, req)).catch(() => undefined);
      if (fresh !== undefined && fresh.rcode !== Rcode.SERVFAIL) return this.admit(req, entry.key, fresh, changes).reply;
    } else if (!entry.refreshing) {
      this.refresh(ctx, req, next, entry, false);
    }
    this.stats.servedStale++;
    return entry.response(0);
  }

  /**
   * Fetches `old` again in the background (prefetch, serve_stale). A SERVFAIL or
   * an error keeps `old`: a backend that is down must not wipe good answers.
   */
  private refresh(ctx: Ctx, req: Request, next: Next, old: Entry, prefetch: boolean): void {
    old.refreshing = true;
    if (prefetch) this.stats.prefetches++;
    const changes = this.changes;
    void later(() => next(ctx, req)).then((resp) => {
      if (resp.rcode === Rcode.SERVFAIL) return;
      const { entry } = this.admit(req, old.key, resp, changes);
      // CoreDNS carries the popularity over to the new item (Freq.Reset).
      if (entry !== null) { entry.hits = old.hits; entry.lastHit = old.lastHit; }
    }).catch(() => undefined).finally(() => { old.refreshing = false; });
  }

  /** CoreDNS shouldPrefetch: popular enough, and at most PERCENTAGE of the TTL left. */
  private shouldPrefetch(entry: Entry, now: number, left: number): boolean {
    if (this.cfg.prefetch <= 0) return false;
    entry.hits = now - entry.lastHit > this.cfg.prefetchWindow ? 1 : entry.hits + 1;
    entry.lastHit = now;
    const threshold = Math.ceil((this.cfg.prefetchPercent / 100) * entry.ttl);
    return !entry.refreshing && entry.hits >= this.cfg.prefetch && left <= threshold;
  }

  /**
   * The reply to send for `resp` (its TTLs set to how long it is cached) and the
   * entry stored for it, if any. Zone transfers and errors other than SERVFAIL pass as they are.
   */
  private admit(req: Request, key: string, resp: Response, changes: number): { reply: Response; entry: Entry | null } {
    let type: ResponseType;
    let sections: Sections;
    try {
      type = typify(resp, req.qtype);
      sections = { answer: resp.answer, authority: resp.authority, additional: resp.additional };
    } catch {
      return { reply: resp, entry: null }; // undecodable relayed bytes: sent as they came
    }
    if (type === 'META' || type === 'OTHERERROR') return { reply: resp, entry: null };
    const kind: Kind = type === 'NOERROR' || type === 'DELEGATION' ? 'success' : 'denial';
    const ttl = this.ttlFor(type, sections);
    const reply = withTtl(resp, sections, ttl);
    if (ttl <= 0 || matchZone(this.cfg[kind].disabled, req.lname) !== undefined) return { reply, entry: null };
    if (changes !== this.changes && this.index.changing(req.lname)) return { reply, entry: null };
    const entry = Entry.of(key, kind, req, reply, sections, this.now(), ttl);
    if (entry !== null) this.put(entry);
    return { reply, entry };
  }

  private ttlFor(type: ResponseType, s: Sections): number {
    switch (type) {
      case 'NXDOMAIN': case 'NODATA':
        return clampTtl(minimalTtl(s, type), this.cfg.denial.minTtl, this.cfg.denial.maxTtl);
      case 'SERVERERROR': return this.cfg.servfailTtl;
      default: return clampTtl(minimalTtl(s, type), this.cfg.success.minTtl, this.cfg.success.maxTtl);
    }
  }

  private put(entry: Entry): void {
    this.lru[entry.kind === 'success' ? 'denial' : 'success'].delete(entry.key);
    this.lru[entry.kind].set(entry.key, entry);
    this.index.add(entry.key, entry.lname);
  }
}
