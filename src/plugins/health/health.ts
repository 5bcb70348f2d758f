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

/** Per process, the `health` lines started and not stopped yet (a reload starts one config and stops another). */
const live = new WeakMap<Instance, Set<HealthConfig>>();

/**
 * The lameduck period of `instance`: the longest of its `health` lines (CoreDNS
 * adds them up, one sleep per block; waiting once for the longest is what was meant).
 * The server reads it on SIGTERM: set shuttingDown (so /ready fails), keep
 * answering for this long, then close the listeners and stop the plugins.
 */
export function lameduckOf(instance: Instance): number {
  let ms = 0;
  for (const c of live.get(instance) ?? []) ms = Math.max(ms, c.lameduck);
  return ms;
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
    let set = live.get(this.instance);
    if (!set) live.set(this.instance, (set = new Set()));
    set.add(this.config);
    this.instance.httpRoute(this.config.address, '/health', ok);
    return Promise.resolve();
  }

  stop(): Promise<void> {
    live.get(this.instance)?.delete(this.config);
    return Promise.resolve();
  }
}
