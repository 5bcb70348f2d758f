// deploy/*.yaml against the deployment contract (SPEC §6): what kubeadm installs for
// CoreDNS, so that kdns replaces it in kind by changing the image and nothing else.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCorefile } from '../../src/corefile/load.js';
import type { ServerBlock } from '../../src/corefile/types.js';
import { parse as parseHealth } from '../../src/plugins/health/setup.js';
import { PLUGIN_ORDER } from '../../src/plugins/order.js';
import { parse as parseReady } from '../../src/plugins/ready/setup.js';
import { findPlugin } from '../../src/plugins/registry.js';
import { buildConfig } from '../../src/server/config.js';
import { Instance } from '../../src/server/instance.js';
import { REPO } from '../support/image.js';
import {
  loadManifests, manifest, probePort, type ClusterRole, type ClusterRoleBinding, type ConfigMap, type Container,
  type Deployment, type K8sObject, type Service,
} from '../support/manifests.js';

/** SPEC §6: kubeadm's Corefile, one directive a line (indentation aside, verbatim). */
const KUBEADM_COREFILE = [
  '.:53 {',
  'errors',
  'health {', 'lameduck 5s', '}',
  'ready',
  'kubernetes cluster.local in-addr.arpa ip6.arpa {', 'pods insecure', 'fallthrough in-addr.arpa ip6.arpa', 'ttl 30', '}',
  'prometheus :9153',
  'forward . /etc/resolv.conf {', 'max_concurrent 1000', '}',
  'cache 30 {', 'disable success cluster.local', 'disable denial cluster.local', '}',
  'loop',
  'reload',
  'loadbalance',
  '}',
];
const DIRECTIVES = ['errors', 'health', 'ready', 'kubernetes', 'prometheus', 'forward', 'cache', 'loop', 'reload', 'loadbalance'];

const NS = 'kube-system';

describe('deploy manifests (SPEC §6)', () => {
  let objects: K8sObject[];
  let configMap: ConfigMap;
  let deployment: Deployment;
  let service: Service;
  let container: Container;

  before(() => {
    objects = loadManifests();
    configMap = manifest<ConfigMap>(objects, 'ConfigMap', 'coredns');
    deployment = manifest<Deployment>(objects, 'Deployment', 'coredns');
    service = manifest<Service>(objects, 'Service', 'kube-dns');
    container = deployment.spec.template.spec.containers[0]!;
  });

  function parseKubeadmCorefile(): ServerBlock[] {
    return parseCorefile(configMap.data.Corefile ?? '', 'deploy/20-configmap.yaml#Corefile', { knownDirectives: new Set(PLUGIN_ORDER) });
  }

  it('holds exactly the kind replacement set, every namespaced object in kube-system', () => {
    const names = objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(names).to.deep.equal([
      'ClusterRole/system:coredns', 'ClusterRoleBinding/system:coredns', 'ConfigMap/coredns', 'Deployment/coredns',
      'Service/kube-dns', 'ServiceAccount/coredns',
    ]);
    for (const o of objects.filter((x) => !x.kind.startsWith('Cluster'))) expect(o.metadata.namespace, o.file).to.equal(NS);
  });

  describe('RBAC', () => {
    it('ClusterRole system:coredns may list and watch the DNS objects, nothing else', () => {
      const role = manifest<ClusterRole>(objects, 'ClusterRole', 'system:coredns');
      const grants = role.rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) =>
        r.verbs.map((v) => `${g === '' ? 'core' : g}/${res}:${v}`)))).sort();
      const want = ['core/endpoints', 'core/services', 'core/pods', 'core/namespaces', 'discovery.k8s.io/endpointslices']
        .flatMap((r) => [`${r}:list`, `${r}:watch`]).sort();
      expect(grants).to.deep.equal(want);
    });

    it('ClusterRoleBinding gives that role to ServiceAccount kube-system/coredns, the Deployment\'s account', () => {
      const binding = manifest<ClusterRoleBinding>(objects, 'ClusterRoleBinding', 'system:coredns');
      expect(binding.roleRef).to.deep.equal({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:coredns' });
      expect(binding.subjects).to.deep.equal([{ kind: 'ServiceAccount', name: 'coredns', namespace: NS }]);
      manifest(objects, 'ServiceAccount', 'coredns');
      expect(deployment.spec.template.spec.serviceAccountName).to.equal('coredns');
    });
  });

  describe('ConfigMap coredns', () => {
    it('holds kubeadm\'s Corefile, line for line', () => {
      expect((configMap.data.Corefile ?? '').split('\n').map((l) => l.trim()).filter(Boolean)).to.deep.equal(KUBEADM_COREFILE);
    });

    it('parses with kdns\'s Corefile parser: one block, .:53, the directives in order', () => {
      const blocks = parseKubeadmCorefile();
      expect(blocks).to.have.length(1);
      expect(blocks[0]!.keys.map((k) => [k.zone, k.port])).to.deep.equal([['.', 53]]);
      expect(blocks[0]!.directives.map((d) => d.tokens[0]!.text)).to.deep.equal(DIRECTIVES);
    });

    for (const name of DIRECTIVES) {
      it(`uses ${name}, a plugin built into kdns`, () => {
        expect(findPlugin(name), `${name} is not in src/plugins/registry.ts`).to.not.equal(undefined);
      });
    }

    it('sets up into a config kdns can serve (every directive\'s setup accepts its arguments)', async () => {
      const config = await buildConfig(parseKubeadmCorefile(), 53, new Instance());
      expect([...config.ports.keys()]).to.deep.equal([53]);
      for (const p of config.plugins) await p.instance.stop?.();
    });
  });

  describe('Deployment coredns', () => {

    it('is kube-system/coredns, labelled k8s-app: kube-dns, 2 replicas, one container named coredns', () => {
      expect(deployment.metadata.labels).to.include({ 'k8s-app': 'kube-dns' });
      expect(deployment.spec.replicas).to.equal(2);
      expect(deployment.spec.selector.matchLabels).to.deep.equal({ 'k8s-app': 'kube-dns' });
      expect(deployment.spec.template.metadata.labels).to.include({ 'k8s-app': 'kube-dns' });
      // `kubectl set image deployment/coredns coredns=...` names the container.
      expect(deployment.spec.template.spec.containers.map((c) => c.name)).to.deep.equal(['coredns']);
    });

    it('runs the kdns image of this version, never pulled (kind load docker-image)', () => {
      const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
      expect(container.image).to.equal(`kdns:${version}`);
      expect(container.imagePullPolicy).to.equal('IfNotPresent');
    });

    it('is the image the runbook (deploy/README.md) builds, loads into kind and sets', () => {
      const runbook = readFileSync(join(REPO, 'deploy', 'README.md'), 'utf8');
      for (const cmd of [
        `docker build -f deploy/Dockerfile -t ${container.image} .`,
        `kind load docker-image ${container.image}`,
        `kubectl -n kube-system set image deployment/${deployment.metadata.name} ${container.name}=${container.image}`,
        `kubectl -n kube-system rollout status deployment/${deployment.metadata.name}`,
      ]) expect(runbook).to.contain(cmd);
    });

    it('passes CoreDNS\'s args, and they name the ConfigMap\'s Corefile as mounted read-only', () => {
      expect(container.args).to.deep.equal(['-conf', '/etc/coredns/Corefile']);
      const mount = container.volumeMounts?.find((m) => m.mountPath === '/etc/coredns');
      expect(mount?.readOnly).to.equal(true);
      const volume = deployment.spec.template.spec.volumes?.find((v) => v.name === mount?.name);
      expect(volume?.configMap?.name).to.equal(configMap.metadata.name);
      expect(volume?.configMap?.items).to.deep.equal([{ key: 'Corefile', path: 'Corefile' }]);
    });

    it('exposes dns 53/UDP, dns-tcp 53/TCP and metrics 9153/TCP, the ports the Corefile serves', () => {
      const ports = (container.ports ?? []).map((p) => `${p.name} ${p.containerPort}/${p.protocol}`);
      expect(ports).to.include.members(['dns 53/UDP', 'dns-tcp 53/TCP', 'metrics 9153/TCP']);
      const block = parseKubeadmCorefile()[0]!;
      expect(block.keys[0]!.port).to.equal(53);
      const prometheus = block.directives.find((d) => d.tokens[0]!.text === 'prometheus')!;
      expect(prometheus.tokens[1]?.text).to.equal(':9153');
    });

    it('probes GET /health on 8080 and /ready on 8181 with CoreDNS\'s timings, where health and ready listen', () => {
      expect(container.livenessProbe?.httpGet?.path).to.equal('/health');
      expect(probePort(container, container.livenessProbe)).to.equal(8080);
      expect(container.livenessProbe).to.include({ initialDelaySeconds: 60, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 5 });
      expect(container.readinessProbe?.httpGet?.path).to.equal('/ready');
      expect(probePort(container, container.readinessProbe)).to.equal(8181);
      const line = (name: string) => parseKubeadmCorefile()[0]!.directives.find((d) => d.tokens[0]!.text === name)!;
      expect(parseHealth(line('health')).address).to.equal(':8080');
      expect(parseReady(line('ready')).address).to.equal(':8181');
    });

    it('has kubeadm\'s resources: limits memory 170Mi, requests cpu 100m memory 70Mi', () => {
      expect(container.resources).to.deep.equal({ limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } });
    });

    it('has kubeadm\'s securityContext: no privilege escalation, only NET_BIND_SERVICE, read-only root', () => {
      expect(container.securityContext).to.deep.equal({
        allowPrivilegeEscalation: false,
        capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
        readOnlyRootFilesystem: true,
      });
    });

    it('uses dnsPolicy Default (the node\'s resolv.conf, which forward reads)', () => {
      expect(deployment.spec.template.spec.dnsPolicy).to.equal('Default');
    });
  });

  describe('Service kube-dns', () => {
    it('is at 10.96.0.10 and selects the Deployment\'s pods', () => {
      expect(service.spec.clusterIP).to.equal('10.96.0.10');
      expect(deployment.spec.template.metadata.labels).to.include(service.spec.selector);
    });

    it('serves 53/UDP, 53/TCP and 9153/TCP onto the container\'s ports of the same protocol', () => {
      expect(service.spec.ports.map((p) => `${p.name} ${p.port}/${p.protocol}`))
        .to.deep.equal(['dns 53/UDP', 'dns-tcp 53/TCP', 'metrics 9153/TCP']);
      for (const p of service.spec.ports) {
        const target = (container.ports ?? []).find((c) =>
          (c.containerPort === p.targetPort || c.name === p.targetPort) && (c.protocol ?? 'TCP') === p.protocol);
        expect(target, `${p.name}: targetPort ${p.targetPort}/${p.protocol}`).to.not.equal(undefined);
      }
    });
  });
});
