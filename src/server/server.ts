// A running kdns: plugin instances, HTTP listeners and DNS listeners on every port.

import type { ServerBlock } from '../corefile/types.js';
import { ListenError } from '../errors.js';
import { buildConfig, type Config } from './config.js';
import { Dispatcher } from './dispatch.js';
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

export class KdnsServer {
  private readonly listeners: PortListeners[] = [];

  private constructor(readonly instance: Instance, private readonly config: Config) {}

  static async start(blocks: readonly ServerBlock[], defaultPort: number, instance = new Instance()): Promise<KdnsServer> {
    const config = await buildConfig(blocks, defaultPort, instance);
    const server = new KdnsServer(instance, config);
    try {
      for (const p of config.plugins) await p.instance.start?.();
      await instance.startHttp();
      for (const [port, routes] of config.ports) await server.listen(port, new Dispatcher(`dns://:${port}`, routes, instance.log));
    } catch (err) {
      await server.close();
      throw err;
    }
    return server;
  }

  private async listen(port: number, dispatcher: Dispatcher): Promise<void> {
    const set: PortListeners = { dispatcher, udp: [], tcp: [] };
    this.listeners.push(set);
    const log = this.instance.log;
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
  }

  /** The ports actually bound (differs from the configured one only for port 0). */
  get ports(): number[] {
    return this.listeners.map((l) => l.udp[0]?.boundPort ?? 0);
  }

  /**
   * Graceful stop: /ready fails at once; queries are answered through the
   * lameduck period (health); then TCP stops accepting, in-flight queries finish
   * (up to `drainMs`), and sockets, plugins and HTTP listeners close.
   */
  async close(drainMs = 5000): Promise<void> {
    this.instance.shuttingDown = true;
    await Promise.allSettled(this.config.plugins.map((p) => p.instance.lameduck?.()));
    for (const l of this.listeners) for (const t of l.tcp) t.stopAccepting();
    const drained = Promise.all(this.listeners.map((l) => l.dispatcher.drain()));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise((r) => { timer = setTimeout(r, drainMs); })]);
    clearTimeout(timer);
    for (const l of this.listeners) {
      for (const t of l.tcp) t.closeConnections();
      await Promise.all(l.udp.map((u) => u.close()));
    }
    for (const p of this.config.plugins) {
      try {
        await p.instance.stop?.();
      } catch (err) {
        this.instance.log.warn({ err, plugin: p.name }, 'plugin failed to stop');
      }
    }
    await this.instance.stopHttp();
  }
}
