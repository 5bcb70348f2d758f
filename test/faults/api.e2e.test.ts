// The Kubernetes API answering garbage: 200s whose bodies are cut-off JSON, HTML
// from a proxy, or not JSON at all, for seconds on end, as from an API server that
// restarted broken (watches get 410 Gone, lists get the garbage). kdns keeps
// serving the last known state, logs the outage once (not once per retry), shows
// it in kdns_kubernetes_api_reachable, and converges once the API answers properly
// again. (Down, hanging, 500s, 410s and cut or frozen watches are covered by
// test/plugins/kubernetes/api.e2e.test.ts.)

import { expect } from 'chai';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Steady, linesSince, sleep, type Expected } from '../support/faults.js';
import { freePort, startKdns, type KdnsProcess } from '../support/kdns.js';
import { FAST_TIMINGS, answersSoon } from '../support/k8s-api/kdns.js';
import { namespace, service } from '../support/k8s-api/objects.js';
import { ApiEmulator } from '../support/k8s-api/server.js';
import { waitFor } from '../support/k8s-api/wait.js';
import { scrape, value } from '../support/metrics.js';

type Mode = 'pass' | 'cut-json' | 'html' | 'binary';

const BODIES: Record<Exclude<Mode, 'pass'>, string | Buffer> = {
  'cut-json': '{"kind":"ServiceList","apiVersion":"v1","metadata":{"resourceVersion":"12"},"items":[{"metadata":{"name":"x","namesp',
  html: '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>\n',
  binary: Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 89 + 7) & 0xff)),
};

/** An HTTP proxy in front of the emulator that can answer 200 with garbage instead. */
class GarbageProxy {
  mode: Mode = 'pass';
  private readonly open = new Set<ServerResponse>();
  private readonly server: Server;

  constructor(private readonly upstream: string) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }

  /** Switches mode and cuts every response in progress (watches), so that the next requests see it. */
  set(mode: Mode): void {
    this.mode = mode;
    for (const res of this.open) res.destroy();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.open.add(res);
    res.on('close', () => this.open.delete(res));
    if (this.mode !== 'pass') {
      if (/[?&]watch=(true|1)/.test(req.url ?? '')) res.writeHead(410).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(BODIES[this.mode]);
      return;
    }
    const up = request(`${this.upstream}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    res.on('close', () => up.destroy());
    req.pipe(up);
  }

  async close(): Promise<void> {
    for (const res of this.open) res.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const STEADY: Expected[] = [{ qname: 'stable.testns.svc.cluster.local.', qtype: 'A', want: 'NOERROR 10.0.0.10' }];

describe('faults: the Kubernetes API answering garbage (kdns process)', function () {
  this.timeout(60_000);
  let api: ApiEmulator;
  let proxy: GarbageProxy;
  let kdns: KdnsProcess;
  let metrics: string;
  const labels = (): Record<string, string> => ({ server: `dns://:${kdns.port}`, zone: 'cluster.local.' });

  // A fresh process for each kind of garbage: no outage of one test leaks into the next.
  beforeEach(async () => {
    api = await ApiEmulator.start({ bookmarkMs: 200 });
    for (const ns of ['default', 'testns']) api.state.put(namespace(ns));
    api.state.put(service('testns', 'stable', { clusterIP: '10.0.0.10' }));
    proxy = new GarbageProxy(api.url);
    const proxyPort = await proxy.listen();
    metrics = `http://127.0.0.1:${await freePort()}/metrics`;
    kdns = await startKdns(`cluster.local {
  prometheus 127.0.0.1:${new URL(metrics).port}
  kubernetes {
    endpoint http://127.0.0.1:${proxyPort}
  }
}
`, { probe: 'cluster.local.', env: FAST_TIMINGS });
    await answersSoon(kdns.port, 'stable.testns.svc.cluster.local.', 'NOERROR 10.0.0.10');
  });

  afterEach(async () => {
    await kdns?.stop();
    await proxy?.close();
    await api?.close();
  });

  for (const mode of ['cut-json', 'html', 'binary'] as const) {
    it(`${mode} lists for 3 s: the last state served, one log line, reachable 0, then convergence`, async () => {
      const mark = kdns.stdout().length;
      const steady = new Steady(kdns.port, STEADY);
      try {
        proxy.set(mode);
        await waitFor(async () => value(await scrape(metrics), 'kdns_kubernetes_api_reachable', labels()) === 0, 'reachable = 0');
        // A change made while the API answers garbage, and seconds of retries (backoff at most 200 ms here).
        api.state.put(service('testns', 'during', { clusterIP: '10.0.5.1' }));
        await sleep(3000);
        const lines = kdns.stdout().slice(mark);
        expect(linesSince(kdns, mark, 'kubernetes API unreachable'), `outage lines in\n${lines}`).to.have.length(1);
        // Each watch gets 410 once and is listed again: a few lines, not one per retry.
        expect(lines.split('\n').filter((l) => l !== '').length, `log lines in\n${lines}`).to.be.at.most(8);
        proxy.set('pass');
        await answersSoon(kdns.port, 'during.testns.svc.cluster.local.', 'NOERROR 10.0.5.1');
        await waitFor(() => linesSince(kdns, mark, 'kubernetes API reachable again').length > 0, 'the recovery line');
        await waitFor(async () => value(await scrape(metrics), 'kdns_kubernetes_api_reachable', labels()) === 1, 'reachable = 1');
      } finally {
        await steady.stop();
      }
      expect(steady.wrong, `wrong among ${steady.queries} answers`).to.deep.equal([]);
    });
  }
});
