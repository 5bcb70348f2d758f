// The per-query metrics CoreDNS exports (its plugin/metrics/vars), recorded by the
// dispatcher for the server blocks that enable `prometheus`. Names, labels and
// buckets are CoreDNS's, so existing dashboards and alerts keep working (SPEC §5).

import { rcodeName, Type } from '../dns/constants.js';
import type { Request } from '../dns/message.js';
import type { Counter, CounterSeries, Gauge, Histogram, HistogramSeries } from './metric.js';
import type { Metrics } from './registry.js';

/** 0.25 ms to 8 s (CoreDNS's plugin.TimeBuckets: 0.00025 × 2^k, 16 buckets). */
export const TIME_BUCKETS: readonly number[] = Array.from({ length: 16 }, (_, k) => 0.00025 * 2 ** k);
/** CoreDNS's plugin.SizeBuckets (bytes). */
export const SIZE_BUCKETS: readonly number[] = [0, 100, 200, 300, 400, 511, 1023, 2047, 4095, 8291, 16e3, 32e3, 48e3, 64e3];

/** The zone label of queries that no server block serves (answered REFUSED): no closing dot, never a real zone. */
export const DROPPED = 'dropped';

/** Types counted under their own name; every other type is "other" (CoreDNS's monitorType). */
const MONITORED = new Map<number, string>([
  [Type.A, 'A'], [Type.AAAA, 'AAAA'], [Type.CNAME, 'CNAME'], [48, 'DNSKEY'], [43, 'DS'], [Type.MX, 'MX'],
  [50, 'NSEC3'], [47, 'NSEC'], [Type.NS, 'NS'], [Type.PTR, 'PTR'], [46, 'RRSIG'], [Type.SOA, 'SOA'],
  [Type.SRV, 'SRV'], [Type.TXT, 'TXT'], [65, 'HTTPS'], [Type.IXFR, 'IXFR'], [Type.AXFR, 'AXFR'], [Type.ANY, 'ANY'],
]);
/** Type 0 is reserved (RFC 6895): the key of "other". */
const OTHER = 0;

function typeLabel(qtype: number): string {
  return MONITORED.get(qtype) ?? 'other';
}

/** The families, by CoreDNS's names; get-or-create, so every block (and every reload) shares them. */
export class QueryMetrics {
  readonly requests: Counter;
  readonly duration: Histogram;
  readonly requestSize: Histogram;
  readonly responseSize: Histogram;
  readonly doRequests: Counter;
  readonly responses: Counter;
  readonly pluginEnabled: Gauge;
  /** A plugin failed with an exception that is not a DnsError (a bug): CoreDNS's recovered panics. */
  readonly panics: CounterSeries;

  constructor(m: Metrics) {
    this.requests = m.counter('coredns_dns_requests_total', 'Counter of DNS requests made per zone, protocol and family.',
      ['server', 'zone', 'view', 'proto', 'family', 'type']);
    this.duration = m.histogram('coredns_dns_request_duration_seconds', 'Histogram of the time (in seconds) each request took per zone.',
      ['server', 'zone', 'view', 'type'], TIME_BUCKETS);
    this.requestSize = m.histogram('coredns_dns_request_size_bytes', 'Size of the EDNS0 UDP buffer in bytes (64K for TCP) per zone and protocol.',
      ['server', 'zone', 'view', 'proto'], SIZE_BUCKETS);
    this.responseSize = m.histogram('coredns_dns_response_size_bytes', 'Size of the returned response in bytes.',
      ['server', 'zone', 'view', 'proto'], SIZE_BUCKETS);
    this.doRequests = m.counter('coredns_dns_do_requests_total', 'Counter of DNS requests with DO bit set per zone.',
      ['server', 'zone', 'view']);
    this.responses = m.counter('coredns_dns_responses_total', 'Counter of response status codes.',
      ['server', 'zone', 'view', 'rcode', 'plugin']);
    this.pluginEnabled = m.gauge('coredns_plugin_enabled', 'A metric that indicates whether a plugin is enabled on per server and zone basis.',
      ['server', 'zone', 'view', 'name']);
    this.panics = m.counter('coredns_panics_total', 'A metrics that counts the number of panics.').labels();
  }

  /** The recorder of one zone on one listener ("dns://:53"), bound when the routes are built. */
  zone(server: string, zone: string): ZoneMetrics {
    return new ZoneMetrics(this, server, zone);
  }
}

/**
 * Records queries of one (server, zone). Series are bound on first use of a label
 * combination and found again by a numeric key, so a query costs a few Map
 * lookups by small integers and field updates: no strings are built.
 */
export class ZoneMetrics {
  private readonly requests = new Map<number, CounterSeries>();
  private readonly durations = new Map<number, HistogramSeries>();
  /** By proto (0 udp, 1 tcp). */
  private readonly requestSizes: (HistogramSeries | undefined)[] = [];
  private readonly responseSizes: (HistogramSeries | undefined)[] = [];
  private dnssecOk: CounterSeries | undefined;
  /** By plugin name, then rcode. */
  private readonly responses = new Map<string, Map<number, CounterSeries>>();

  constructor(private readonly m: QueryMetrics, readonly server: string, readonly zone: string) {}

  /**
   * One answered query: `size` is the reply as sent (after truncation), `plugin`
   * the plugin that answered ('' when the server wrote the reply, as CoreDNS).
   */
  record(req: Request, size: number, rcode: number, plugin: string, seconds: number): void {
    const tcp = req.transport.proto === 'tcp' ? 1 : 0;
    const proto = tcp ? 'tcp' : 'udp';
    const type = MONITORED.has(req.qtype) ? req.qtype : OTHER;
    const key = type * 4 + tcp * 2 + (isIPv6(req.transport.remoteAddress) ? 1 : 0);
    let count = this.requests.get(key);
    if (!count) {
      count = this.m.requests.labels(this.server, this.zone, '', proto, key & 1 ? '2' : '1', typeLabel(type));
      this.requests.set(key, count);
    }
    count.inc();
    let duration = this.durations.get(type);
    if (!duration) this.durations.set(type, (duration = this.m.duration.labels(this.server, this.zone, '', typeLabel(type))));
    duration.observe(seconds);
    (this.requestSizes[tcp] ??= this.m.requestSize.labels(this.server, this.zone, '', proto)).observe(req.raw.length);
    (this.responseSizes[tcp] ??= this.m.responseSize.labels(this.server, this.zone, '', proto)).observe(size);
    if (req.edns?.dnssecOk) (this.dnssecOk ??= this.m.doRequests.labels(this.server, this.zone, '')).inc();
    let byRcode = this.responses.get(plugin);
    if (!byRcode) this.responses.set(plugin, (byRcode = new Map()));
    let resp = byRcode.get(rcode);
    if (!resp) byRcode.set(rcode, (resp = this.m.responses.labels(this.server, this.zone, '', rcodeName(rcode), plugin)));
    resp.inc();
  }
}

/** CoreDNS's family label: 2 for IPv6 clients; an IPv4-mapped address counts as IPv4. */
function isIPv6(address: string): boolean {
  return address.includes(':') && !address.startsWith('::ffff:');
}
