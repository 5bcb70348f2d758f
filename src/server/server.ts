// A running kdns: plugin instances, HTTP listeners and DNS listeners on every
// port; a reload swaps in a new config without dropping queries.

import type { ServerBlock } from '../corefile/types.js';
import { ListenError } from '../errors.js';
import type { Gauge } from '../metrics/metric.js';
import { buildConfig, type Config } from './config.js';
import { Dispatcher, type Route } from './dispatch.js';
import { Instance } from './instance.js';
import { TcpListener } from './tcp.js';
import { UdpListener } from './udp.js';

interface PortListeners {
  dispatcher: Dispatcher;
  udp: UdpListener[];
  tcp: TcpListener[];
}

const IPV4_ANY = '0.0.0.0';
const IPV6_ANY = '::';

type Plugins = Config['plugins'];

async function startPlugins(plugins: Plugins): Promise<void> {
  for (const p of plugins) await p.instance.start?.();
}

async function stopPlugins(plugins: Plugins, instance: Instance): Promise<void> {
  for (const p of plugins) {
    try {
      await p.instance.stop?.();
    } catch (err) {
      instance.log.warn({ err, plugin: p.name }, 'plugin failed to stop');
    }
  }
}

/** Resolves when `p` settles or `ms` pass, whichever is first. */
async function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise((r) => { timer = setTimeout(r, ms); })]);
  clearTimeout(timer);
}

export class KdnsServer {
  /** By configured port. */
  private readonly listeners = new Map<number, PortListeners>();
  /** Reloads run one at a time; shutdown waits for the one in progress. */
  private reloads: Promise<void> = Promise.resolve();

  private constructor(readonly instance: Instance, private config: Config, private readonly defaultPort: number) {}

  static async start(blocks: readonly ServerBlock[], defaultPort: number, instance = new Instance()): Promise<KdnsServer> {
    const config = await buildConfig(blocks, defaultPort, instance);
    const server = new KdnsServer(instance, config, defaultPort);
    try {
      await startPlugins(config.plugins);
      await instance.startHttp();
      instance.setReadiness(config.readiness);
      for (const [port, routes] of config.ports) server.listeners.set(port, await server.listen(port, routes));
      server.markEnabled();
    } catch (err) {
      await server.teardown(0);
      throw err;
    }
    return server;
  }

  private async listen(port: number, routes: readonly Route[]): Promise<PortListeners> {
    const dispatcher = new Dispatcher(`dns://:${port}`, routes, this.instance.log);
    const set: PortListeners = { dispatcher, udp: [], tcp: [] };
    const log = this.instance.log;
    try {
      for (const host of [IPV4_ANY, IPV6_ANY]) {
        const udp = new UdpListener(host, port, dispatcher, log);
        const tcp = new TcpListener(host, port, dispatcher, log);
        try {
          await udp.listen();
          set.udp.push(udp);
          await tcp.listen();
          set.tcp.push(tcp);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          // A host without IPv6 still serves IPv4; anything else is fatal.
          if (host === IPV6_ANY && (code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL')) {
            await udp.close();
            log.warn({ port }, 'no IPv6 on this host: serving IPv4 only');
            continue;
          }
          throw new ListenError(`cannot listen on ${host === IPV6_ANY ? `[${host}]` : host}:${port}: ${(err as Error).message}`, { cause: err });
        }
      }
    } catch (err) {
      await this.closePort(set, 0);
      throw err;
    }
    return set;
  }

  /** Stops accepting, lets in-flight queries finish (up to `drainMs`), then closes the sockets. */
  private async closePort(l: PortListeners, drainMs: number): Promise<void> {
    for (const t of l.tcp) t.stopAccepting();
    await within(l.dispatcher.drain(), drainMs);
    for (const t of l.tcp) t.closeConnections();
    await Promise.all(l.udp.map((u) => u.close()));
  }

  /** The ports actually bound (differs from the configured one only for port 0). */
  get ports(): number[] {
    return [...this.listeners.values()].map((l) => l.udp[0]?.boundPort ?? 0);
  }

  /** coredns_plugin_enabled for the config in effect (CoreDNS resets it on every reload). */
  private markEnabled(): void {
    let enabled: Gauge | undefined;
    for (const { dispatcher } of this.listeners.values()) {
      for (const route of dispatcher.routes) {
        if (!route.metrics) continue;
        if (!enabled) (enabled = route.metrics.pluginEnabled).reset();
        for (const name of route.plugins) enabled.labels(dispatcher.server, route.zone, '', name).set(1);
      }
    }
  }

  /**
   * Sets up `blocks` and swaps them in: ports that stay keep their sockets and
   * switch routes between two queries, ports that go close once their queries are
   * answered, new ports open; HTTP listeners likewise. The old plugins stop once
   * the queries they were answering are done (up to `drainMs`). If anything fails
   * before the swap (a Corefile or setup error, a port in use), it throws and the
   * running config stays as it was.
   */
  reload(blocks: readonly ServerBlock[], drainMs = 5000): Promise<void> {
    const run = this.reloads.then(() => this.swapIn(blocks, drainMs));
    this.reloads = run.catch(() => undefined);
    return run;
  }

  private async swapIn(blocks: readonly ServerBlock[], drainMs: number): Promise<void> {
    // A reload asked for during shutdown is moot.
    if (this.instance.shuttingDown) return;
    const config = await buildConfig(blocks, this.defaultPort, this.instance);
    const opened = new Map<number, PortListeners>();
    try {
      await startPlugins(config.plugins);
      for (const [port, routes] of config.ports) {
        if (!this.listeners.has(port)) opened.set(port, await this.listen(port, routes));
      }
      await this.instance.startHttp();
    } catch (err) {
      this.instance.discardHttp();
      await Promise.all([...opened.values()].map((l) => this.closePort(l, 0)));
      await stopPlugins(config.plugins, this.instance);
      throw err;
    }
    const old = this.config;
    this.config = config;
    this.instance.setReadiness(config.readiness);
    const settled: Promise<void>[] = [];
    for (const [port, l] of this.listeners) {
      const routes = config.ports.get(port);
      if (routes) {
        settled.push(l.dispatcher.swap(routes));
      } else {
        this.listeners.delete(port);
        settled.push(this.closePort(l, drainMs));
      }
    }
    for (const [port, l] of opened) this.listeners.set(port, l);
    this.markEnabled();
    await within(Promise.all(settled), drainMs);
    await stopPlugins(old.plugins, this.instance);
  }

  /**
   * Graceful stop: /ready fails at once; queries are answered through the
   * lameduck period (health); then TCP stops accepting, in-flight queries finish
   * (up to `drainMs`), and sockets, plugins and HTTP listeners close.
   */
  async close(drainMs = 5000): Promise<void> {
    this.instance.shuttingDown = true;
    await this.reloads;
    await Promise.allSettled(this.config.plugins.map((p) => p.instance.lameduck?.()));
    await this.teardown(drainMs);
  }

  private async teardown(drainMs: number): Promise<void> {
    await Promise.all([...this.listeners.values()].map((l) => this.closePort(l, drainMs)));
    this.listeners.clear();
    await stopPlugins(this.config.plugins, this.instance);
    await this.instance.stopHttp();
  }
}
