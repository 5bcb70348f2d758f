// ApiSource: which resources are watched for which options (CoreDNS: `labels` and
// `namespace_labels` as label selectors, pods only with `pods verified`, running
// pods only, no EndpointSlices with `noendpoints`), `namespaces` applied on arrival,
// and the store synced once every first list is in.

import { expect } from 'chai';
import { pino } from 'pino';
import { ApiSource } from '../../../src/plugins/kubernetes/api-source.js';
import { parse } from '../../../src/plugins/kubernetes/setup.js';
import { ClusterStore } from '../../../src/plugins/kubernetes/store.js';
import { endpointSlice, namespace, pod, service } from '../../support/k8s-api/objects.js';
import { ApiEmulator } from '../../support/k8s-api/server.js';
import { waitFor } from '../../support/k8s-api/wait.js';
import { line } from '../../support/lines.js';

interface Want {
  /** resource -> the selectors of its list request ("label|field"). */
  watched: Record<string, string>;
  namespaces: string[];
  services: string[];
  slices: string[];
  pods: string[];
}

const cases: { name: string; options: string; want: Want }[] = [
  {
    name: 'defaults: namespaces, services, endpointslices; no pods',
    options: '',
    want: {
      watched: { namespaces: '|', services: '|', endpointslices: '|' },
      namespaces: ['a', 'b'], services: ['a/web', 'a/db', 'b/web'], slices: ['a/web-1', 'b/web-1'], pods: [],
    },
  },
  {
    name: 'pods verified: running pods only',
    options: 'pods verified',
    want: {
      watched: { namespaces: '|', services: '|', endpointslices: '|', pods: '|status.phase!=Succeeded,status.phase!=Failed,status.phase!=Unknown' },
      namespaces: ['a', 'b'], services: ['a/web', 'a/db', 'b/web'], slices: ['a/web-1', 'b/web-1'], pods: ['a/p1'],
    },
  },
  {
    name: 'namespaces: other namespaces are not kept',
    options: 'namespaces b',
    want: { watched: { namespaces: '|', services: '|', endpointslices: '|' }, namespaces: ['b'], services: ['b/web'], slices: ['b/web-1'], pods: [] },
  },
  {
    name: 'labels: a label selector on services and endpointslices',
    options: 'labels app=web',
    want: {
      watched: { namespaces: '|', services: 'app=web|', endpointslices: 'app=web|' },
      namespaces: ['a', 'b'], services: ['a/web', 'b/web'], slices: ['a/web-1', 'b/web-1'], pods: [],
    },
  },
  {
    name: 'namespace_labels: a label selector on namespaces',
    options: 'namespace_labels env=prod',
    want: {
      watched: { namespaces: 'env=prod|', services: '|', endpointslices: '|' },
      namespaces: ['a'], services: ['a/web', 'a/db', 'b/web'], slices: ['a/web-1', 'b/web-1'], pods: [],
    },
  },
  {
    name: 'noendpoints: no endpointslices',
    options: 'noendpoints',
    want: { watched: { namespaces: '|', services: '|' }, namespaces: ['a', 'b'], services: ['a/web', 'a/db', 'b/web'], slices: [], pods: [] },
  },
];

function seed(api: ApiEmulator): void {
  const s = api.state;
  s.put(namespace('a', { env: 'prod' }));
  s.put(namespace('b', { env: 'dev' }));
  s.put(service('a', 'web', { clusterIP: '10.0.0.1', labels: { app: 'web' } }));
  s.put(service('a', 'db', { clusterIP: '10.0.0.2', labels: { app: 'db' } }));
  s.put(service('b', 'web', { clusterIP: '10.0.1.1', labels: { app: 'web' } }));
  s.put(endpointSlice('a', 'web-1', 'web', [{ ip: '10.1.0.1' }], { labels: { app: 'web' } }));
  s.put(endpointSlice('b', 'web-1', 'web', [{ ip: '10.1.1.1' }], { labels: { app: 'web' } }));
  s.put(pod('a', 'p1', '10.1.0.1'));
  s.put(pod('a', 'done', '10.1.0.2', { phase: 'Succeeded' }));
}

describe('kubernetes ApiSource (options -> list+watch -> store)', function () {
  this.timeout(10_000);
  const silent = pino({ level: 'silent' });

  for (const c of cases) {
    it(c.name, async () => {
      const api = await ApiEmulator.start({ bookmarkMs: 0 });
      try {
        seed(api);
        const cfg = parse(line(`kubernetes cluster.local {\n endpoint ${api.url}\n ${c.options}\n}`), ['cluster.local.']);
        const store = new ClusterStore(silent);
        const source = new ApiSource(cfg, { kind: 'endpoint', url: api.url, tls: undefined }, store, silent, {});
        await source.start();
        await waitFor(() => store.synced, 'the first sync');
        await source.stop();
        const lists = api.requests.filter((r) => r.verb === 'list');
        expect(Object.fromEntries(lists.map((r) => [r.resource, `${r.query.labelSelector ?? ''}|${r.query.fieldSelector ?? ''}`])))
          .to.deep.equal(c.want.watched);
        const has = (names: string[], get: (ns: string, name: string) => unknown): string[] =>
          names.filter((n) => { const [ns, name] = n.split('/') as [string, string]; return get(ns, name) !== undefined; });
        const all = { ns: ['a', 'b'], svc: ['a/web', 'a/db', 'b/web'], slices: ['a/web-1', 'b/web-1'], pods: ['a/p1', 'a/done'] };
        expect(all.ns.filter((n) => store.namespace(n))).to.deep.equal(c.want.namespaces);
        expect(has(all.svc, (ns, n) => store.service(ns, n))).to.deep.equal(c.want.services);
        expect(has(all.slices, (ns, n) => store.slices(ns, n === 'web-1' ? 'web' : n)[0])).to.deep.equal(c.want.slices);
        expect(['a/p1', 'a/done'].filter((p) => store.podsByIP(p === 'a/p1' ? '10.1.0.1' : '10.1.0.2').length > 0)).to.deep.equal(c.want.pods);
      } finally {
        await api.close();
      }
    });
  }

  it('is synced only once every resource has been listed', async () => {
    const api = await ApiEmulator.start({ bookmarkMs: 0 });
    try {
      seed(api);
      api.hang();
      const cfg = parse(line(`kubernetes cluster.local {\n endpoint ${api.url}\n}`), ['cluster.local.']);
      const store = new ClusterStore(silent);
      const source = new ApiSource(cfg, { kind: 'endpoint', url: api.url, tls: undefined }, store, silent,
        { KDNS_K8S_IDLE_TIMEOUT: '5s' });
      await source.start();
      await waitFor(() => api.requests.length === 3, 'three lists held');
      expect(store.synced).to.equal(false);
      api.resume();
      await waitFor(() => store.synced, 'the sync after the hang');
      expect(store.service('a', 'web')?.clusterIPs).to.deep.equal(['10.0.0.1']);
      await source.stop();
    } finally {
      await api.close();
    }
  });
});
