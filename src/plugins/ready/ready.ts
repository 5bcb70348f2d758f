// GET /ready -> 200 "OK" once every plugin that can be not ready is ready, else
// 503 with their names; 503 "Shutting down" from the start of shutdown (lameduck).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { pluginLogger } from '../../log.js';
import type { Instance } from '../../server/instance.js';

export type Monitor = 'until-ready' | 'continuously';

export interface ReadyConfig {
  /** HOST:PORT or :PORT. */
  readonly address: string;
  /**
   * until-ready: once every plugin was ready, /ready stays OK (CoreDNS's default:
   * a plugin that signalled ready is not asked again). continuously: asked on every request.
   */
  readonly monitor: Monitor;
}

const log = pluginLogger('ready');

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(body);
}

export class Ready {
  private settled = false;

  constructor(private readonly instance: Instance, readonly config: ReadyConfig) {}

  /** The plugins not ready now: sorted, each once (the same plugin in several blocks is one name, as CoreDNS). */
  notReady(): string[] {
    if (this.settled) return [];
    const names = [...new Set(this.instance.notReady())].sort();
    if (names.length === 0 && this.config.monitor === 'until-ready') this.settled = true;
    return names;
  }

  /** Several blocks may name the same address: the listener and the route exist once. */
  start(): Promise<void> {
    this.instance.httpRoute(this.config.address, '/ready', (req, res) => this.handle(req, res));
    return Promise.resolve();
  }

  private handle(_req: IncomingMessage, res: ServerResponse): void {
    if (this.instance.shuttingDown) { text(res, 503, 'Shutting down'); return; }
    const names = this.notReady();
    if (names.length === 0) { text(res, 200, 'OK'); return; }
    const list = names.join(',');
    log.info(`Plugins not ready: ${JSON.stringify(list)}`);
    text(res, 503, list);
  }
}
