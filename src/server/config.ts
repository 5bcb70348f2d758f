// Server blocks -> per-port routes: each block's directives set up in the fixed
// plugin order and composed into one chain, shared by every key of the block.

import { Directive } from '../corefile/directive.js';
import type { ServerBlock, ZoneKey } from '../corefile/types.js';
import { CorefileError } from '../errors.js';
import type { QueryMetrics } from '../metrics/dns.js';
import { orderOf } from '../plugins/order.js';
import type { Handler, PluginInstance } from '../plugins/plugin.js';
import { findPlugin } from '../plugins/registry.js';
import { compose } from './chain.js';
import type { Route } from './dispatch.js';
import type { Instance, Readiness } from './instance.js';
import type { TcpLimits } from './tcp.js';

export interface Config {
  /** Routes by port. */
  readonly ports: Map<number, Route[]>;
  /** Every plugin instance, for start/stop. */
  readonly plugins: { name: string; instance: PluginInstance }[];
  /** The plugins that can be not ready (for `ready`), in effect once the config is. */
  readonly readiness: Readiness[];
}

function effectivePort(key: ZoneKey, defaultPort: number): number {
  return key.port ?? defaultPort;
}

export async function buildConfig(blocks: readonly ServerBlock[], defaultPort: number, instance: Instance): Promise<Config> {
  const ports = new Map<number, Route[]>();
  const plugins: Config['plugins'] = [];
  const readiness: Readiness[] = [];
  const seen = new Set<string>();
  for (const block of blocks) {
    for (const key of block.keys) {
      const id = `${key.zone}:${effectivePort(key, defaultPort)}`;
      if (seen.has(id)) throw new CorefileError(key.token.file, key.token.line, `duplicate zone '${id}'`);
      seen.add(id);
    }
    const zones = [...new Set(block.keys.map((k) => k.zone))];
    const firstPort = effectivePort(block.keys[0]!, defaultPort);
    const handlers: Handler[] = [];
    const enabled: string[] = [];
    let metrics: QueryMetrics | undefined;
    let tcpLimits: Partial<TcpLimits> | undefined;
    const directives = block.directives.map((line) => ({ line, name: line.tokens[0]!.text }))
      .sort((a, b) => orderOf(a.name)! - orderOf(b.name)!);
    const counts = new Map<string, number>();
    for (const { line, name } of directives) {
      const plugin = findPlugin(name);
      const d = new Directive(line, name);
      if (!plugin) throw d.error(`'${name}' is a CoreDNS plugin that is not built into kdns (see kdns -plugins)`);
      const n = (counts.get(name) ?? 0) + 1;
      counts.set(name, n);
      if (n > 1 && !plugin.repeatable) throw d.error(`'${name}' may appear only once in a server block`);
      const inst = await plugin.setup(line, { zones, port: firstPort, instance });
      plugins.push({ name, instance: inst });
      if (inst.handler) handlers.push(inst.handler);
      if (inst.handler || inst.queryMetrics) enabled.push(name);
      metrics ??= inst.queryMetrics;
      tcpLimits ??= inst.tcpLimits;
      const ready = inst.ready;
      if (ready) readiness.push({ name, ready: () => ready.call(inst) });
    }
    const chain = compose(handlers);
    for (const key of block.keys) {
      const port = effectivePort(key, defaultPort);
      let routes = ports.get(port);
      if (!routes) ports.set(port, (routes = []));
      routes.push({ zone: key.zone, chain, plugins: enabled, metrics, tcpLimits });
    }
  }
  return { ports, plugins, readiness };
}
