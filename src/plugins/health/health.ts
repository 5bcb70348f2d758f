// GET /health -> 200 "OK" while the process runs, and the lameduck period the
// server waits out on shutdown.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Instance } from '../../server/instance.js';

export interface HealthConfig {
  /** HOST:PORT or :PORT. */
  readonly address: string;
  /** How long shutdown keeps answering queries after SIGTERM (ms); /health still says OK meanwhile. */
  readonly lameduck: number;
}

function ok(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('OK');
}

export class Health {
  constructor(private readonly instance: Instance, readonly config: HealthConfig) {}

  /**
   * Adds /health on the shared listener of its address. Several blocks may name the
   * same address (CoreDNS allows it): the listener and the route exist once.
   */
  start(): Promise<void> {
    this.instance.httpRoute(this.config.address, '/health', ok);
    return Promise.resolve();
  }

  /**
   * Keeps the server answering for the lameduck period after SIGTERM (the server
   * has already made /ready fail). With several health lines the server waits for
   * all at once, so the longest wins (CoreDNS sleeps once per block, one after another).
   */
  lameduck(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.config.lameduck));
  }
}
