// GET /metrics: every metric of the process in the Prometheus text format. The
// per-query metrics of the blocks that enable `prometheus` are recorded by the
// server (src/metrics/dns.ts); other plugins register theirs in Instance.metrics.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONTENT_TYPE } from '../../metrics/registry.js';
import type { Instance } from '../../server/instance.js';
import { VERSION } from '../../version.js';

export interface PrometheusConfig {
  /** HOST:PORT or :PORT. */
  readonly address: string;
}

export class Prometheus {
  constructor(private readonly instance: Instance, readonly config: PrometheusConfig) {}

  /** Several blocks may name the same address: the listener and the route exist once. */
  start(): Promise<void> {
    // The label names are CoreDNS's, for its dashboards; goversion holds the Node.js version, and
    // revision stays empty: the package carries no git metadata.
    this.instance.metrics.gauge('coredns_build_info', 'A metric with a constant \'1\' value labeled by version, revision, and goversion from which CoreDNS was built.',
      ['version', 'revision', 'goversion']).labels(VERSION, '', process.version).set(1);
    this.instance.httpRoute(this.config.address, '/metrics', (req, res) => this.handle(req, res));
    return Promise.resolve();
  }

  private handle(_req: IncomingMessage, res: ServerResponse): void {
    this.instance.metrics.expose().then(
      (text) => { res.writeHead(200, { 'Content-Type': CONTENT_TYPE }).end(text); },
      (err: unknown) => {
        this.instance.log.error({ err }, 'cannot collect the metrics');
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('cannot collect the metrics\n');
      },
    );
  }
}
