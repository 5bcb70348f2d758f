// The `kubernetes` directive: option lines -> config, or a PluginSetupError at the right line.

import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Line } from '../../../src/corefile/types.js';
import { Instance } from '../../../src/server/instance.js';
import type { KubernetesConfig } from '../../../src/plugins/kubernetes/config.js';
import type { ApiTarget } from '../../../src/k8s/connection.js';
import { apiTarget, parse, plugin, waitForSync } from '../../../src/plugins/kubernetes/setup.js';
import { ClusterStore } from '../../../src/plugins/kubernetes/store.js';
import { service } from '../../support/k8s-api/objects.js';
import { ApiEmulator } from '../../support/k8s-api/server.js';
import { waitFor } from '../../support/k8s-api/wait.js';
import { expectSetupError } from '../../support/setup.js';
import { line, TEST_FILE } from '../../support/lines.js';
import { FIXTURE_YAML } from './cluster.js';

/** The config fields a case pins down; selectors compare by their text form. */
type Want = Partial<Omit<KubernetesConfig, 'labels' | 'namespaceLabels' | 'namespaces'>>
  & { labels?: string; namespaceLabels?: string; namespaces?: string[] };

function summary(cfg: KubernetesConfig, want: Want): Record<string, unknown> {
  const got: Record<string, unknown> = {
    ...cfg, labels: cfg.labels?.toString(), namespaceLabels: cfg.namespaceLabels?.toString(), namespaces: [...cfg.namespaces],
  };
  return Object.fromEntries(Object.keys(want).map((k) => [k, got[k]]));
}

const BLOCK = ['.'];

const good: { text: string; zones?: string[]; want: Want }[] = [
  {
    text: 'kubernetes', zones: ['cluster.local.'],
    want: {
      zones: ['cluster.local.'], primaryZone: 'cluster.local.', pods: 'disabled', ttl: 5, startupTimeout: 5000,
      fallthrough: undefined, noEndpoints: false, endpointPodNames: false, ignoreEmptyService: false, namespaces: [],
      labels: undefined, namespaceLabels: undefined, endpoint: undefined, kubeconfig: undefined, tls: undefined, fixture: undefined,
    },
  },
  {
    text: 'kubernetes cluster.local in-addr.arpa ip6.arpa {\n pods insecure\n fallthrough in-addr.arpa ip6.arpa\n ttl 30\n}',
    want: {
      zones: ['cluster.local.', 'in-addr.arpa.', 'ip6.arpa.'], primaryZone: 'cluster.local.', pods: 'insecure', ttl: 30,
      fallthrough: ['in-addr.arpa.', 'ip6.arpa.'],
    },
  },
  { text: 'kubernetes in-addr.arpa Cluster.Local', want: { zones: ['in-addr.arpa.', 'cluster.local.'], primaryZone: 'cluster.local.' } },
  { text: 'kubernetes cluster.local 10.0.0.0/23', want: { zones: ['cluster.local.', '0.0.10.in-addr.arpa.', '1.0.10.in-addr.arpa.'] } },
  { text: 'kubernetes cluster.local fd00::/64', want: { zones: ['cluster.local.', '0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.'] } },
  { text: 'kubernetes cluster.local {\n fallthrough\n}', want: { fallthrough: ['.'] } },
  { text: 'kubernetes cluster.local {\n pods verified\n}', want: { pods: 'verified' } },
  { text: 'kubernetes cluster.local {\n pods disabled\n}', want: { pods: 'disabled' } },
  { text: 'kubernetes cluster.local {\n ttl 0\n}', want: { ttl: 0 } },
  { text: 'kubernetes cluster.local {\n ttl 3600\n}', want: { ttl: 3600 } },
  { text: 'kubernetes cluster.local {\n namespaces a B\n namespaces c\n}', want: { namespaces: ['a', 'b', 'c'] } },
  { text: 'kubernetes cluster.local {\n labels app=web,tier notin (db, cache),!legacy\n}', want: { labels: 'app=web,tier notin (cache,db),!legacy' } },
  { text: 'kubernetes cluster.local {\n namespace_labels env in (prod,qa)\n}', want: { namespaceLabels: 'env in (prod,qa)' } },
  { text: 'kubernetes cluster.local {\n endpoint_pod_names\n noendpoints\n ignore empty_service\n}',
    want: { endpointPodNames: true, noEndpoints: true, ignoreEmptyService: true } },
  { text: 'kubernetes cluster.local {\n startup_timeout 1m30s\n}', want: { startupTimeout: 90000 } },
  { text: 'kubernetes cluster.local {\n endpoint https://10.0.0.1:6443\n tls cert.pem key.pem ca.pem\n}',
    want: { endpoint: 'https://10.0.0.1:6443', tls: { cert: 'cert.pem', key: 'key.pem', ca: 'ca.pem' } } },
  // CoreDNS still takes several endpoints (deprecated) and uses the first.
  { text: 'kubernetes cluster.local {\n endpoint http://a:8080 http://b:8080\n}', want: { endpoint: 'http://a:8080' } },
  { text: 'kubernetes cluster.local {\n kubeconfig /etc/kube.conf\n}', want: { kubeconfig: { file: '/etc/kube.conf', context: undefined } } },
  { text: 'kubernetes cluster.local {\n kubeconfig kube.conf ctx1\n}', want: { kubeconfig: { file: 'kube.conf', context: 'ctx1' } } },
  // A fixture path is relative to the Corefile's directory.
  { text: 'kubernetes cluster.local {\n fixture state/cluster.yaml\n}', want: { fixture: resolve('state/cluster.yaml') } },
  { text: 'kubernetes cluster.local {\n fixture /abs/cluster.yaml\n}', want: { fixture: '/abs/cluster.yaml' } },
];

const bad: { text: string; zones?: string[]; line: number; fragment: string }[] = [
  { text: 'kubernetes cluster.local {\n bogus\n}', line: 2, fragment: "unknown property 'bogus'" },
  { text: 'kubernetes cluster.local {\n pods\n}', line: 2, fragment: 'pods takes 1 argument' },
  { text: 'kubernetes cluster.local {\n pods open\n}', line: 2, fragment: 'wrong value for pods: open' },
  { text: 'kubernetes cluster.local {\n ttl\n}', line: 2, fragment: 'ttl takes 1 argument' },
  { text: 'kubernetes cluster.local {\n ttl 3601\n}', line: 2, fragment: 'ttl must be an integer in range [0, 3600]' },
  { text: 'kubernetes cluster.local {\n ttl -1\n}', line: 2, fragment: 'ttl must be an integer' },
  { text: 'kubernetes cluster.local {\n ttl 5s\n}', line: 2, fragment: 'ttl must be an integer' },
  { text: 'kubernetes cluster.local {\n namespaces\n}', line: 2, fragment: 'namespaces takes at least 1' },
  { text: 'kubernetes cluster.local {\n labels\n}', line: 2, fragment: 'labels takes at least 1' },
  { text: 'kubernetes cluster.local {\n labels a in ()\n}', line: 2, fragment: 'unable to parse labels selector value' },
  { text: 'kubernetes cluster.local {\n labels a > 1\n}', line: 2, fragment: 'expected an operator' },
  { text: 'kubernetes cluster.local {\n namespace_labels =x\n}', line: 2, fragment: 'unable to parse namespace_labels selector value' },
  { text: 'kubernetes cluster.local {\n namespaces a\n namespace_labels x=y\n}', line: 1, fragment: 'namespaces and namespace_labels cannot both be set' },
  { text: 'kubernetes cluster.local {\n endpoint_pod_names yes\n}', line: 2, fragment: 'endpoint_pod_names takes 0 arguments' },
  { text: 'kubernetes cluster.local {\n noendpoints now\n}', line: 2, fragment: 'noendpoints takes 0 arguments' },
  { text: 'kubernetes cluster.local {\n ignore\n}', line: 2, fragment: 'ignore takes 1 argument' },
  { text: 'kubernetes cluster.local {\n ignore everything\n}', line: 2, fragment: "unable to parse ignore value: 'everything'" },
  { text: 'kubernetes cluster.local {\n startup_timeout soon\n}', line: 2, fragment: "invalid duration 'soon'" },
  { text: 'kubernetes cluster.local {\n startup_timeout\n}', line: 2, fragment: 'startup_timeout takes 1 argument' },
  { text: 'kubernetes cluster.local {\n endpoint\n}', line: 2, fragment: 'endpoint takes at least 1' },
  { text: 'kubernetes cluster.local {\n endpoint not a url\n}', line: 2, fragment: "endpoint 'not' is not a URL" },
  { text: 'kubernetes cluster.local {\n tls a b\n}', line: 2, fragment: 'tls takes 3 arguments' },
  { text: 'kubernetes cluster.local {\n kubeconfig\n}', line: 2, fragment: 'kubeconfig takes 1 to 2 arguments' },
  { text: 'kubernetes cluster.local {\n fixture\n}', line: 2, fragment: 'fixture takes 1 argument' },
  { text: 'kubernetes cluster.local {\n fixture a.yaml\n endpoint http://a\n}', line: 1, fragment: "'fixture' and 'endpoint'/'kubeconfig' cannot both be set" },
  { text: 'kubernetes cluster.local {\n fallthrough 10.0.0.0/33\n}', line: 2, fragment: 'invalid CIDR' },
  { text: 'kubernetes cluster.local {\n pods insecure {\n }\n}', line: 2, fragment: 'pods takes no block' },
  { text: 'kubernetes in-addr.arpa', line: 1, fragment: 'non-reverse zone name must be used' },
  { text: 'kubernetes cluster.local:53', line: 1, fragment: "zone 'cluster.local:53' takes no port" },
  { text: 'kubernetes 10.0.0.0/33', line: 1, fragment: 'invalid CIDR' },
  { text: 'kubernetes cluster.local example.org', zones: ['cluster.local.'], line: 1,
    fragment: "zone 'example.org.' is not within the server block's zones (cluster.local.)" },
];

describe('kubernetes setup', () => {
  describe('parse: option lines -> config', () => {
    for (const c of good) {
      it(c.text.replaceAll('\n', ' '), () => {
        const cfg = parse(line(c.text), c.zones ?? BLOCK);
        expect(summary(cfg, c.want)).to.deep.equal(c.want);
      });
    }
  });

  describe('parse: errors name the file and line', () => {
    for (const c of bad) {
      it(c.text.replaceAll('\n', ' '), () => {
        expectSetupError(() => parse(line(c.text), c.zones ?? BLOCK), c.line, c.fragment);
      });
    }
    it('reports the Corefile name', () => {
      expectSetupError(() => parse(line('kubernetes cluster.local {\n pods x\n}'), BLOCK), 2, `${TEST_FILE}:2 - plugin/kubernetes: `);
    });
  });

  describe('instance', () => {
    let dir: string;
    before(() => { dir = mkdtempSync(join(tmpdir(), 'kdns-k8s-setup-')); });
    after(() => rmSync(dir, { recursive: true, force: true }));

    /** A directive line as if read from `<dir>/Corefile`, so relative paths land in `dir`. */
    function inDir(text: string): Line {
      const l = line(text);
      const move = (x: Line): Line => ({
        tokens: x.tokens.map((t) => ({ ...t, file: join(dir, 'Corefile') })),
        block: x.block?.map(move) ?? null,
      });
      return move(l);
    }

    it('starts from a fixture relative to the Corefile, is ready, and stops', async () => {
      writeFileSync(join(dir, 'cluster.yaml'), FIXTURE_YAML);
      const inst = await plugin.setup(inDir('kubernetes cluster.local {\n fixture cluster.yaml\n}'), { zones: BLOCK, port: 53, instance: new Instance() });
      expect(inst.ready!()).to.equal(false);
      await inst.start!();
      expect(inst.ready!()).to.equal(true);
      await inst.stop!();
    });

    it('fails at start on a bad fixture, with KDNS_ERR_FIXTURE', async () => {
      const inst = await plugin.setup(inDir('kubernetes cluster.local {\n fixture missing.yaml\n}'), { zones: BLOCK, port: 53, instance: new Instance() });
      let err: unknown;
      try { await inst.start!(); } catch (e) { err = e; }
      expect((err as { code?: string }).code).to.equal('KDNS_ERR_FIXTURE');
      expect((err as Error).message).to.contain('missing.yaml');
    });

    it('says at start that there is no cluster state source outside a pod', async () => {
      const saved = process.env.KUBERNETES_SERVICE_HOST;
      delete process.env.KUBERNETES_SERVICE_HOST;
      try {
        const inst = await plugin.setup(line('kubernetes cluster.local'), { zones: BLOCK, port: 53, instance: new Instance() });
        let err: unknown;
        try { await inst.start!(); } catch (e) { err = e; }
        expect((err as { code?: string }).code).to.equal('KDNS_ERR_PLUGIN_SETUP');
        expect((err as Error).message).to.match(/^Corefile:1 - plugin\/kubernetes: no cluster state source: .*'fixture FILE'/);
      } finally {
        if (saved !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved;
      }
    });

    it('fails at start on a kubeconfig it cannot read, with KDNS_ERR_K8S_CONFIG', async () => {
      const inst = await plugin.setup(line(`kubernetes cluster.local {\n kubeconfig ${join(dir, 'missing.conf')}\n}`),
        { zones: BLOCK, port: 53, instance: new Instance() });
      let err: unknown;
      try { await inst.start!(); } catch (e) { err = e; }
      expect((err as { code?: string }).code).to.equal('KDNS_ERR_K8S_CONFIG');
      expect((err as Error).message).to.contain('missing.conf');
    });

    it('starts from an API server (endpoint), is ready once synced, and stops', async () => {
      const api = await ApiEmulator.start();
      try {
        api.state.put(service('default', 'kubernetes', { clusterIP: '10.96.0.1' }));
        const inst = await plugin.setup(line(`kubernetes cluster.local {\n endpoint ${api.url}\n}`), { zones: BLOCK, port: 53, instance: new Instance() });
        expect(inst.ready!()).to.equal(false);
        await inst.start!();
        expect(inst.ready!()).to.equal(true);
        await inst.stop!();
        await waitFor(() => api.openWatches === 0, 'the watches to close');
      } finally {
        await api.close();
      }
    });
  });

  describe('apiTarget: which API server', () => {
    const cases: { text: string; env: NodeJS.ProcessEnv; want: ApiTarget | undefined }[] = [
      { text: 'kubernetes', env: {}, want: undefined },
      { text: 'kubernetes', env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' }, want: { kind: 'in-cluster' } },
      { text: 'kubernetes {\n endpoint https://127.0.0.1:6443\n tls c k ca\n}', env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' },
        want: { kind: 'endpoint', url: 'https://127.0.0.1:6443', tls: { cert: 'c', key: 'k', ca: 'ca' } } },
      // CoreDNS: a kubeconfig wins over an endpoint.
      { text: 'kubernetes {\n endpoint http://127.0.0.1:8080\n kubeconfig kube.conf ctx\n}', env: {},
        want: { kind: 'kubeconfig', file: 'kube.conf', context: 'ctx' } },
    ];
    for (const c of cases) {
      it(`${c.text.replaceAll('\n', ' ')} with ${JSON.stringify(c.env)}`, () => {
        expect(apiTarget(parse(line(c.text), ['cluster.local.']), c.env)).to.deep.equal(c.want);
      });
    }
  });

  describe('startup_timeout: waiting for the first sync', () => {
    it('resolves false when the time passes first', async () => {
      const t0 = Date.now();
      expect(await waitForSync(new ClusterStore(), 50)).to.equal(false);
      expect(Date.now() - t0).to.be.at.least(45);
    });

    it('resolves true as soon as the store syncs', async () => {
      const store = new ClusterStore();
      setTimeout(() => store.markSynced(), 10);
      const t0 = Date.now();
      expect(await waitForSync(store, 5000)).to.equal(true);
      expect(Date.now() - t0).to.be.below(1000);
    });
  });
});
