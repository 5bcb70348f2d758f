// `hosts [FILE [ZONES...]] { [INLINE]; ttl SECONDS; no_reverse; reload DURATION; fallthrough [ZONES...] }`
// (CoreDNS plugin/hosts/setup.go). Inline entries are the block lines that are not
// options, up to `fallthrough`; after it an unknown line is an error.

import { dirname, resolve } from 'node:path';
import { Directive, parseDuration } from '../../corefile/directive.js';
import type { Line } from '../../corefile/types.js';
import type { Plugin } from '../plugin.js';
import { fallthroughZones, zonesOrBlock } from '../pkg/zones.js';
import { Hosts, type HostsOptions } from './hosts.js';
import { HostsSource, type SourceConfig } from './source.js';

const NAME = 'hosts';
const DEFAULT_FILE = '/etc/hosts';
const DEFAULT_TTL = 3600;
const MAX_TTL = 65535;
const DEFAULT_RELOAD_MS = 5000;
/** The zones PTR records live in, announced with the plugin's zones when entries change. */
const REVERSE_ZONES = ['in-addr.arpa.', 'ip6.arpa.'];

export type HostsConfig = HostsOptions & SourceConfig;

export function parse(line: Line, blockZones: readonly string[]): HostsConfig {
  const d = new Directive(line, NAME);
  const [file, ...zoneTokens] = d.argTokens();
  // Relative to the Corefile, as `import` and the kubernetes `fixture` are.
  const path = file === undefined ? DEFAULT_FILE : resolve(dirname(file.file), file.text);
  const zones = zonesOrBlock(d, zoneTokens, blockZones);
  let ttl = DEFAULT_TTL;
  let reverse = true;
  let reload = DEFAULT_RELOAD_MS;
  let fallthrough: string[] | undefined;
  const inline: string[] = [];
  for (const o of d.options()) {
    o.noBlock();
    switch (o.name) {
      case 'ttl': {
        const [text] = o.expectArgs(1);
        const n = /^\d{1,5}$/.test(text!) ? Number(text) : NaN;
        if (!(n >= 1 && n <= MAX_TTL)) throw o.error(`ttl must be an integer in range [1, ${MAX_TTL}]: ${text}`);
        ttl = n;
        break;
      }
      case 'no_reverse': o.expectArgs(0); reverse = false; break;
      case 'reload': {
        const [text] = o.expectArgs(1);
        const ms = parseDuration(text!);
        if (ms === null) throw o.error(`invalid duration for reload '${text}' (zero seconds to disable)`);
        reload = ms;
        break;
      }
      case 'fallthrough': fallthrough = fallthroughZones(o); break;
      default:
        if (fallthrough !== undefined) throw o.unknownOption();
        inline.push([o.name, ...o.args()].join(' '));
    }
  }
  return { path, zones, ttl, reverse, reload, fallthrough, inline };
}

export const plugin: Plugin = {
  name: NAME,
  setup(line, ctx) {
    const cfg = parse(line, ctx.zones);
    const log = ctx.instance.log.child({ plugin: NAME });
    const announced = cfg.reverse ? [...cfg.zones, ...REVERSE_ZONES] : cfg.zones;
    // Changes come only after start(), when `hosts` is set.
    const source = new HostsSource(cfg, log, () => {
      hosts.changed();
      ctx.instance.announceChange(announced);
    });
    const hosts = new Hosts(cfg, source);
    const entries = ctx.instance.metrics.gauge('coredns_hosts_entries', 'The combined number of entries in hosts and Corefile.').labels();
    const reloaded = ctx.instance.metrics.gauge('coredns_hosts_reload_timestamp_seconds', 'The timestamp of the last reload of hosts file.')
      .labels();
    const unwatch = ctx.instance.metrics.onScrape(() => {
      entries.set(source.entries);
      reloaded.set(source.reloadTimestamp);
    });
    return {
      handler: hosts,
      start: () => source.start(),
      async stop() {
        unwatch();
        await source.stop();
      },
    };
  },
};
