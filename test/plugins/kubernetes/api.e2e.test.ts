// The kubernetes plugin fed by the Kubernetes API, end to end: a kdns process on
// the in-cluster path (service account token and CA in a temporary directory) and
// the API emulator on HTTPS. Answers over UDP follow Services, EndpointSlices, Pods
// and Namespaces; every fault is injected while names that exist throughout are
// queried without pause, and none of those queries may get a wrong answer
// (empty, NXDOMAIN, SERVFAIL or none); after each fault the state converges,
// deletions made during the fault included.

import { expect } from 'chai';
import { httpGet } from '../../support/http.js';
import { freePort } from '../../support/kdns.js';
import { AnswerMonitor, answer, answersSoon, startInCluster, type InCluster } from '../../support/k8s-api/kdns.js';
import { endpointSlice, namespace, pod, service } from '../../support/k8s-api/objects.js';
import { ApiEmulator, type RequestRecord } from '../../support/k8s-api/server.js';
import { waitFor } from '../../support/k8s-api/wait.js';

const COREFILE = `. {
  kubernetes cluster.local in-addr.arpa {
    pods verified
  }
}
`;

const Z = 'testns.svc.cluster.local.';

/** Names that exist throughout, and their answers. */
const STABLE: Record<string, string> = {
  [`stable.${Z}`]: 'NOERROR 10.0.0.10',
  [`hl.${Z}`]: 'NOERROR 10.1.0.1',
  '10-1-0-1.testns.pod.cluster.local.': 'NOERROR 10.1.0.1',
};

function seed(api: ApiEmulator): void {
  const s = api.state;
  for (const ns of ['default', 'kube-system', 'testns']) s.put(namespace(ns));
  s.put(service('testns', 'stable', { clusterIP: '10.0.0.10' }));
  s.put(service('testns', 'hl', { clusterIP: 'None' }));
  s.put(endpointSlice('testns', 'hl-1', 'hl', [{ ip: '10.1.0.1' }]));
  s.put(pod('testns', 'p1', '10.1.0.1'));
  s.put(service('testns', 'moving', { clusterIP: '10.0.1.1' }));
  s.put(service('testns', 'doomed', { clusterIP: '10.0.1.2' }));
}

interface Fault {
  readonly name: string;
  inject(api: ApiEmulator, k: InCluster): Promise<void> | void;
  /** Ends the fault; the state must then converge. */
  heal(api: ApiEmulator, k: InCluster): Promise<void> | void;
  /** Holds for the requests this fault must have caused. */
  readonly seen?: (requests: readonly RequestRecord[]) => boolean;
}

const FAULTS: Fault[] = [
  { name: 'watches cut mid-stream', inject: (api) => { api.dropWatches(); }, heal: () => {} },
  {
    name: 'watches frozen without closing (half-open), found by the watchdog',
    inject: (api) => { api.stallWatches(); }, heal: () => {},
  },
  {
    name: 'a server that accepts requests and never answers',
    inject: (api) => { api.hang(); },
    heal: async (api) => {
      await waitFor(() => api.requests.filter((r) => r.status === 0).length >= 2, 'requests made again during the hang');
      api.resume();
    },
  },
  {
    name: '500s',
    inject: (api) => { api.failWith(500); api.dropWatches(); },
    heal: async (api) => {
      await waitFor(() => api.requests.filter((r) => r.status === 500).length >= 3, 'three 500s');
      api.failWith(undefined);
    },
  },
  {
    name: 'the API server down (connections refused)',
    inject: (api) => api.down(),
    heal: async (api) => { await new Promise((r) => setTimeout(r, 500)); await api.up(); },
  },
  {
    name: 'a restart with a new resourceVersion history (410 Gone)',
    inject: (api) => api.down(),
    heal: (api) => api.up({ newHistory: true }),
    seen: (requests) => requests.some((r) => r.verb === 'list'),
  },
  {
    name: 'history compacted under a frozen watch (410 Gone)',
    inject: (api) => { api.stallWatches(); },
    heal: (api) => { api.compact(); api.dropWatches(); },
  },
  {
    name: 'a rotated service account token (401, then the new token)',
    inject: (api, k) => { api.setTokens('sa-2'); k.rotateToken('sa-2'); api.dropWatches(); },
    heal: () => {},
    seen: (requests) => requests.some((r) => r.status === 401),
  },
];

describe('kubernetes from the API, end to end (kdns process, in-cluster, HTTPS emulator)', function () {
  this.timeout(30_000);
  let api: ApiEmulator;
  let k: InCluster;
  let port: number;

  before(async () => {
    api = await ApiEmulator.start({ tls: true, tokens: ['sa-1'], bookmarkMs: 200 });
    seed(api);
    k = await startInCluster(api, COREFILE, 'sa-1');
    port = k.kdns.port;
    for (const [qname, want] of Object.entries(STABLE)) await answersSoon(port, qname, want);
  });

  after(async () => {
    const code = await k?.kdns.stop();
    await api?.close();
    expect(code, `kdns exit code; stderr: ${k?.kdns.stderr()}`).to.equal(0);
  });

  it('follows a Service: created, changed, deleted', async () => {
    await answersSoon(port, `svc-a.${Z}`, 'NXDOMAIN');
    api.state.put(service('testns', 'svc-a', { clusterIP: '10.0.2.1' }));
    await answersSoon(port, `svc-a.${Z}`, 'NOERROR 10.0.2.1');
    api.state.put(service('testns', 'svc-a', { clusterIP: '10.0.2.2' }));
    await answersSoon(port, `svc-a.${Z}`, 'NOERROR 10.0.2.2');
    await answersSoon(port, '2.2.0.10.in-addr.arpa.', `NOERROR svc-a.${Z}`, 'PTR');
    api.state.remove('Service', 'testns', 'svc-a');
    await answersSoon(port, `svc-a.${Z}`, 'NXDOMAIN');
  });

  it('follows EndpointSlice readiness', async () => {
    api.state.put(service('testns', 'web', { clusterIP: 'None' }));
    api.state.put(endpointSlice('testns', 'web-1', 'web', [{ ip: '10.1.1.1' }, { ip: '10.1.1.2', ready: false }]));
    await answersSoon(port, `web.${Z}`, 'NOERROR 10.1.1.1');
    api.state.put(endpointSlice('testns', 'web-1', 'web', [{ ip: '10.1.1.1' }, { ip: '10.1.1.2' }]));
    await answersSoon(port, `web.${Z}`, 'NOERROR 10.1.1.1 10.1.1.2');
    api.state.put(endpointSlice('testns', 'web-1', 'web', [{ ip: '10.1.1.1', ready: false }, { ip: '10.1.1.2' }]));
    await answersSoon(port, `web.${Z}`, 'NOERROR 10.1.1.2');
    api.state.remove('EndpointSlice', 'testns', 'web-1');
    await answersSoon(port, `web.${Z}`, 'NXDOMAIN');
  });

  it('follows a Pod (pods verified): running, being deleted, finished, deleted', async () => {
    const name = '10-1-2-3.testns.pod.cluster.local.';
    await answersSoon(port, name, 'NXDOMAIN');
    api.state.put(pod('testns', 'p2', '10.1.2.3'));
    await answersSoon(port, name, 'NOERROR 10.1.2.3');
    api.state.put(pod('testns', 'p2', '10.1.2.3', { deleting: true }));
    await answersSoon(port, name, 'NXDOMAIN');
    api.state.put(pod('testns', 'p2', '10.1.2.3'));
    await answersSoon(port, name, 'NOERROR 10.1.2.3');
    // A finished pod leaves the watch's field selector: the API server sends DELETED.
    api.state.put(pod('testns', 'p2', '10.1.2.3', { phase: 'Succeeded' }));
    await answersSoon(port, name, 'NXDOMAIN');
    api.state.put(pod('testns', 'p2', '10.1.2.3'));
    await answersSoon(port, name, 'NOERROR 10.1.2.3');
    api.state.remove('Pod', 'testns', 'p2');
    await answersSoon(port, name, 'NXDOMAIN');
  });

  it('follows a Namespace', async () => {
    await answersSoon(port, 'newns.svc.cluster.local.', 'NXDOMAIN');
    api.state.put(namespace('newns'));
    await answersSoon(port, 'newns.svc.cluster.local.', 'NOERROR');
    api.state.remove('Namespace', undefined, 'newns');
    await answersSoon(port, 'newns.svc.cluster.local.', 'NXDOMAIN');
  });

  describe('faults: no wrong answer for a name that exists throughout, then convergence', () => {
    let round = 0;
    for (const f of FAULTS) {
      it(f.name, async () => {
        round++;
        const monitor = new AnswerMonitor(port, STABLE);
        const before = api.requests.length;
        try {
          await f.inject(api, k);
          // Changes while the fault lasts: an update, a deletion, a creation.
          api.state.put(service('testns', 'moving', { clusterIP: `10.0.9.${round}` }));
          api.state.remove('Service', 'testns', 'doomed');
          api.state.put(service('testns', `born-${round}`, { clusterIP: `10.0.8.${round}` }));
          await f.heal(api, k);
          await answersSoon(port, `moving.${Z}`, `NOERROR 10.0.9.${round}`);
          await answersSoon(port, `doomed.${Z}`, 'NXDOMAIN');
          await answersSoon(port, `born-${round}.${Z}`, `NOERROR 10.0.8.${round}`);
          // However fast the recovery, the stable names were asked about throughout it, and after.
          await waitFor(() => monitor.queries >= 30, 'thirty monitored queries');
        } finally {
          await monitor.stop();
          api.state.put(service('testns', 'doomed', { clusterIP: '10.0.1.2' }));
        }
        await answersSoon(port, `doomed.${Z}`, 'NOERROR 10.0.1.2');
        expect(monitor.wrong, `wrong answers among ${monitor.queries}`).to.deep.equal([]);
        if (f.seen) expect(f.seen(api.requests.slice(before)), 'the requests this fault causes').to.equal(true);
      });
    }

    it('logged the outages and the recoveries', () => {
      const out = k.kdns.stdout();
      expect(out).to.contain('kubernetes API unreachable');
      expect(out).to.contain('kubernetes API reachable again');
      expect(out).to.contain('listing again');
    });

    it('made no request other than list or watch', () => {
      const verbs = new Set(api.requests.map((r) => r.verb));
      expect([...verbs].sort()).to.deep.equal(['list', 'watch']);
    });
  });
});

describe('kubernetes from the API before the first sync (kdns process)', function () {
  this.timeout(20_000);

  it('ready answers 503 and a missing name SERVFAIL until the state is in, then 200 and NXDOMAIN', async () => {
    const api = await ApiEmulator.start({ tls: true, tokens: ['sa-1'] });
    seed(api);
    api.hang();
    const readyPort = await freePort();
    const k = await startInCluster(api, `. {
  ready 127.0.0.1:${readyPort}
  kubernetes cluster.local {
    startup_timeout 300ms
  }
}
`, 'sa-1', { env: { KDNS_K8S_IDLE_TIMEOUT: '5s' } });
    try {
      expect((await httpGet(`http://127.0.0.1:${readyPort}/ready`)).status).to.equal(503);
      expect(await answer(k.kdns.port, `missing.${Z}`)).to.equal('SERVFAIL');
      expect(await answer(k.kdns.port, `stable.${Z}`)).to.equal('SERVFAIL');
      api.resume();
      await answersSoon(k.kdns.port, `stable.${Z}`, 'NOERROR 10.0.0.10');
      await answersSoon(k.kdns.port, `missing.${Z}`, 'NXDOMAIN');
      expect((await httpGet(`http://127.0.0.1:${readyPort}/ready`)).status).to.equal(200);
      expect(k.kdns.stdout()).to.contain('starting with unsynced cluster state');
    } finally {
      await k.kdns.stop();
      await api.close();
    }
  });
});
