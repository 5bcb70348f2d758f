// Process-wide services that plugins share across server blocks: the logger,
// HTTP listeners (health, ready, metrics) and the readiness registry.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ListenError } from '../errors.js';
import { rootLogger, type Logger } from '../log.js';

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

class HttpEndpoint {
  readonly routes = new Map<string, HttpHandler>();
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

export class Instance {
  readonly log: Logger = rootLogger;
  private readonly endpoints = new Map<string, HttpEndpoint>();
  private readonly readiness: Readiness[] = [];
  private readonly changeListeners = new Set<(zones: readonly string[]) => void>();
  /** Set when shutdown begins: `ready` fails from then on (lameduck). */
  shuttingDown = false;

  /** Adds `path` on the shared HTTP listener at `address`; the listener opens with startHttp(). */
  httpRoute(address: string, path: string, handler: HttpHandler): void {
    let ep = this.endpoints.get(address);
    if (!ep) this.endpoints.set(address, (ep = new HttpEndpoint(address)));
    ep.routes.set(path, handler);
  }

  async startHttp(): Promise<void> {
    for (const ep of this.endpoints.values()) await ep.start();
  }

  async stopHttp(): Promise<void> {
    await Promise.all([...this.endpoints.values()].map((ep) => ep.stop()));
  }

  addReadiness(r: Readiness): void {
    this.readiness.push(r);
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
