// `cache [TTL] [ZONES...] { success CAPACITY [TTL] [MINTTL]; denial CAPACITY [TTL] [MINTTL];
// prefetch AMOUNT [[DURATION] [PERCENTAGE%]]; serve_stale [DURATION] [immediate|verify];
// servfail DURATION; disable success|denial [ZONES...]; keepttl }` (CoreDNS plugin/cache/setup.go).

import { Directive, parseDuration } from '../../corefile/directive.js';
import type { Line } from '../../corefile/types.js';
import type { Plugin } from '../plugin.js';
import { zonesOf, zonesOrBlock } from '../pkg/zones.js';
import { Cache } from './cache.js';
import { watchMetrics } from './metrics.js';
import {
  DEFAULT_STALE_UP_TO_MS, defaultConfig, MAX_SERVFAIL_TTL, MIN_CAPACITY, type CacheConfig, type KindConfig,
} from './config.js';

const NAME = 'cache';

/** Go's strconv.Atoi accepts a sign; so does CoreDNS's Corefile. */
function integer(d: Directive, text: string, what: string): number {
  if (!/^[+-]?\d{1,10}$/.test(text)) throw d.error(`${what} must be an integer: '${text}'`);
  return Number(text);
}

function duration(d: Directive, text: string, what: string): number {
  const ms = parseDuration(text);
  if (ms === null) throw d.error(`invalid ${what} duration '${text}' (e.g. 5s, 1m30s)`);
  return ms;
}

function positiveTtl(d: Directive, text: string): number {
  const ttl = integer(d, text, 'TTL');
  if (ttl <= 0) throw d.error(`cache TTL can not be zero or negative: ${ttl}`);
  return ttl;
}

/** `success|denial CAPACITY [TTL] [MINTTL]`. */
function kind(o: Directive, k: KindConfig): void {
  const [cap, ttl, minTtl] = o.expectArgs(1, 3);
  const capacity = integer(o, cap!, 'capacity');
  if (capacity < 0) throw o.error(`cache capacity can not be negative: ${capacity}`);
  // One LRU of exactly this size, but never below CoreDNS's smallest (256 shards of 4).
  k.capacity = Math.max(capacity, MIN_CAPACITY);
  if (ttl !== undefined) k.maxTtl = positiveTtl(o, ttl);
  if (minTtl !== undefined) {
    const n = integer(o, minTtl, 'min TTL');
    if (n < 0) throw o.error(`cache min TTL can not be negative: ${n}`);
    k.minTtl = n;
  }
}

function prefetch(o: Directive, cfg: CacheConfig): void {
  const [amount, window, percent] = o.expectArgs(1, 3);
  const n = integer(o, amount!, 'prefetch amount');
  if (n < 0) throw o.error(`prefetch amount should be positive: ${n}`);
  cfg.prefetch = n;
  if (window !== undefined) cfg.prefetchWindow = duration(o, window, 'prefetch');
  if (percent !== undefined) {
    if (!percent.endsWith('%')) throw o.error(`last character of percentage should be '%', but is: '${percent.slice(-1)}'`);
    const p = integer(o, percent.slice(0, -1), 'percentage');
    if (p < 10 || p > 90) throw o.error(`percentage should fall in range [10, 90]: ${p}`);
    cfg.prefetchPercent = p;
  }
}

function serveStale(o: Directive, cfg: CacheConfig): void {
  const [upTo, mode] = o.expectArgs(0, 2);
  cfg.staleUpTo = upTo === undefined ? DEFAULT_STALE_UP_TO_MS : duration(o, upTo, 'serve_stale');
  if (mode !== undefined) {
    const m = mode.toLowerCase();
    if (m !== 'immediate' && m !== 'verify') throw o.error(`invalid value for serve_stale refresh mode: ${mode}`);
    cfg.staleMode = m;
  }
}

function servfail(o: Directive, cfg: CacheConfig): void {
  const ms = duration(o, o.expectArgs(1)[0]!, 'servfail');
  if (ms > MAX_SERVFAIL_TTL * 1000) throw o.error('caching SERVFAIL responses over 5 minutes is not permitted');
  cfg.servfailTtl = Math.floor(ms / 1000);
}

function disable(o: Directive, cfg: CacheConfig): void {
  const [what] = o.expectArgs(1, Infinity);
  if (what !== 'success' && what !== 'denial') throw o.error(`cache type for disable must be "success" or "denial": '${what}'`);
  const zones = o.args().length > 1 ? zonesOf(o, o.argTokens().slice(1)) : cfg.zones;
  cfg[what].disabled.push(...zones);
}

/** Parses one `cache` line; `blockZones` are the server block's zones (the default ZONES). */
export function parse(line: Line, blockZones: readonly string[]): CacheConfig {
  const d = new Directive(line, NAME);
  let args = d.argTokens();
  let ttl: number | undefined;
  // The first argument is the TTL when it is a number, else a zone.
  if (args.length > 0 && /^[+-]?\d+$/.test(args[0]!.text)) {
    ttl = positiveTtl(d, args[0]!.text);
    args = args.slice(1);
  }
  const cfg = defaultConfig(zonesOrBlock(d, args, blockZones));
  if (ttl !== undefined) cfg.success.maxTtl = cfg.denial.maxTtl = ttl;
  for (const o of d.options()) {
    o.noBlock();
    switch (o.name) {
      case 'success': kind(o, cfg.success); break;
      case 'denial': kind(o, cfg.denial); break;
      case 'prefetch': prefetch(o, cfg); break;
      case 'serve_stale': serveStale(o, cfg); break;
      case 'servfail': servfail(o, cfg); break;
      case 'disable': disable(o, cfg); break;
      case 'keepttl': o.expectArgs(0); cfg.keepTtl = true; break;
      default: throw o.unknownOption();
    }
  }
  return cfg;
}

export const plugin: Plugin = {
  name: NAME,
  setup(line, ctx) {
    const cache = new Cache(parse(line, ctx.zones));
    const unsubscribe = ctx.instance.onChange((zones) => cache.dropZones(zones));
    const unwatch = watchMetrics(ctx.instance.metrics, `dns://:${ctx.port}`, cache);
    return {
      handler: cache,
      stop() {
        unsubscribe();
        unwatch();
        return Promise.resolve();
      },
    };
  },
};
