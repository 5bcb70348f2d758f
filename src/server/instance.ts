// Process-wide services that plugins share across server blocks and that outlive
// a reload: the logger, HTTP listeners (health, ready, metrics), the readiness
// registry, the metrics and the hook that reloads the Corefile.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ListenError } from '../errors.js';
import { rootLogger, type Logger } from '../log.js';
import { Metrics } from '../metrics/registry.js';

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** "host:port" or ":port" -> listen arguments; an empty host means all addresses. */
export function splitHostPort(address: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(address);
  if (!m) throw new ListenError(`bad address '${address}': want HOST:PORT or :PORT`);
  const port = Number(m[3]);
  if (port > 65535) throw new ListenError(`bad port in '${address}'`);
  const host = m[1] ?? m[2];
  return { host: host === '' ? undefined : host, port };
}

type Routes = ReadonlyMap<string, HttpHandler>;

class HttpEndpoint {
  /** Replaced whole when a config takes over (a reload), so a request sees one config's routes. */
  routes: Routes = new Map();
  private server: Server | undefined;

  constructor(readonly address: string) {}

  async start(): Promise<void> {
    if (this.server) return;
    const { host, port } = splitHostPort(this.address);
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      const route = this.routes.get(path);
      if (!route) { res.writeHead(404).end('404 page not found\n'); return; }
      route(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new ListenError(`cannot listen on ${this.address}: ${e.message}`, { cause: e })));
      server.listen(port, host, () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export interface Readiness {
  readonly name: string;
  ready(): boolean;
}

/** Re-reads the Corefile and swaps in the new config (src/server/reload.ts). */
export interface Reloader {
  /** SHA-512 (hex) of the Corefile text the running config came from (during a reload: the one being set up). */
  readonly hash: string;
  /** Reloads if the file's hash changed, or always with `force`. Never throws: failures are logged. */
  check(force?: boolean): Promise<ReloadOutcome>;
}

export type ReloadOutcome = 'unchanged' | 'reloaded' | 'failed';

export class Instance {
  readonly log: Logger = rootLogger;
  readonly metrics = new Metrics();
  /** Set by the process when the config came from a file; the `reload` plugin and SIGUSR1 use it. */
  reloader: Reloader | undefined;
  /** Live listeners by address. */
  private readonly endpoints = new Map<string, HttpEndpoint>();
  /** The routes the config being started registers; live from startHttp() on. */
  private staged = new Map<string, Map<string, HttpHandler>>();
  private readiness: readonly Readiness[] = [];
  private readonly changeListeners = new Set<(zones: readonly string[]) => void>();
  /** Set when shutdown begins: `ready` fails from then on (lameduck). */
  shuttingDown = false;

  /** Adds `path` on the shared HTTP listener at `address`; it is served from the next startHttp() on. */
  httpRoute(address: string, path: string, handler: HttpHandler): void {
    let routes = this.staged.get(address);
    if (!routes) this.staged.set(address, (routes = new Map()));
    routes.set(path, handler);
  }

  /**
   * Makes the staged routes live: listeners open for new addresses, those that
   * stay keep their sockets and get the new routes, those no longer used close.
   * When a new address cannot be opened, it throws with nothing changed.
   */
  async startHttp(): Promise<void> {
    const opened: HttpEndpoint[] = [];
    try {
      for (const address of this.staged.keys()) {
        if (this.endpoints.has(address)) continue;
        const ep = new HttpEndpoint(address);
        await ep.start();
        opened.push(ep);
      }
    } catch (err) {
      await Promise.all(opened.map((ep) => ep.stop()));
      throw err;
    }
    for (const ep of opened) this.endpoints.set(ep.address, ep);
    const gone = [...this.endpoints.values()].filter((ep) => !this.staged.has(ep.address));
    for (const ep of gone) this.endpoints.delete(ep.address);
    for (const [address, routes] of this.staged) this.endpoints.get(address)!.routes = routes;
    this.staged = new Map();
    await Promise.all(gone.map((ep) => ep.stop()));
  }

  /** Forgets the staged routes (a config that failed to start). */
  discardHttp(): void {
    this.staged = new Map();
  }

  async stopHttp(): Promise<void> {
    await Promise.all([...this.endpoints.values()].map((ep) => ep.stop()));
    this.endpoints.clear();
  }

  /** The plugins `ready` asks, replaced as a whole by each config that takes over. */
  setReadiness(list: readonly Readiness[]): void {
    this.readiness = list;
  }

  /**
   * Plugins that serve data which changes (kubernetes, hosts) announce each change
   * with the zones it touches, so that caches drop what they hold for them: a new
   * Service resolves on the next query, never after a cache TTL.
   */
  announceChange(zones: readonly string[]): void {
    for (const listener of this.changeListeners) {
      try {
        listener(zones);
      } catch (err) {
        this.log.error({ err }, 'change listener failed');
      }
    }
  }

  /** Subscribes to announceChange; returns the unsubscribe function. */
  onChange(listener: (zones: readonly string[]) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Names of the plugins that are not ready yet (empty when all are). */
  notReady(): string[] {
    return this.readiness.filter((r) => !r.ready()).map((r) => r.name);
  }
}
