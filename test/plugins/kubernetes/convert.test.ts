// toSlim: raw API objects, as `kubectl get -o yaml` prints them, -> slim objects or a skip reason.

import { expect } from 'chai';
import { parse } from 'yaml';
import { toSlim } from '../../../src/plugins/kubernetes/convert.js';
import type { SlimObject } from '../../../src/plugins/kubernetes/store.js';

interface Case {
  name: string;
  /** One object as YAML. */
  raw: string;
  want?: SlimObject;
  /** A fragment of the skip reason. */
  skip?: string;
}

const HTTP = { name: 'http', protocol: 'TCP', port: 80 };

const cases: Case[] = [
  // ---- Service ----
  {
    name: 'ClusterIP service with clusterIPs and named ports',
    raw: `{kind: Service, metadata: {name: web, namespace: default},
      spec: {type: ClusterIP, clusterIP: 10.96.0.5, clusterIPs: [10.96.0.5], ports: [{name: http, port: 80, protocol: TCP, targetPort: 8080}]}}`,
    want: { kind: 'Service', object: { namespace: 'default', name: 'web', kind: 'ClusterIP', clusterIPs: ['10.96.0.5'], externalName: '', ports: [HTTP] } },
  },
  {
    name: 'no clusterIPs: falls back to spec.clusterIP',
    raw: `{kind: Service, metadata: {name: old, namespace: default}, spec: {clusterIP: 10.96.0.6, ports: [{name: http, port: 80}]}}`,
    want: { kind: 'Service', object: { namespace: 'default', name: 'old', kind: 'ClusterIP', clusterIPs: ['10.96.0.6'], externalName: '', ports: [HTTP] } },
  },
  {
    name: 'clusterIP None without clusterIPs is headless',
    raw: `{kind: Service, metadata: {name: db, namespace: default}, spec: {clusterIP: None, ports: [{name: mysql, port: 3306}]}}`,
    want: { kind: 'Service', object: { namespace: 'default', name: 'db', kind: 'Headless', clusterIPs: [], externalName: '',
      ports: [{ name: 'mysql', protocol: 'TCP', port: 3306 }] } },
  },
  {
    name: 'dual-stack, IPv6 written uncompressed: canonical form',
    raw: `{kind: Service, metadata: {name: web, namespace: default},
      spec: {clusterIP: 10.96.100.10, clusterIPs: [10.96.100.10, "FD00:0010:0096:0000:0000:0000:0000:100A"]}}`,
    want: { kind: 'Service', object: { namespace: 'default', name: 'web', kind: 'ClusterIP',
      clusterIPs: ['10.96.100.10', 'fd00:10:96::100a'], externalName: '', ports: [] } },
  },
  {
    name: 'text that is no address is dropped, duplicates too',
    raw: `{kind: Service, metadata: {name: web, namespace: default}, spec: {clusterIPs: [not-an-ip, 10.0.0.1, 10.0.0.1]}}`,
    want: { kind: 'Service', object: { namespace: 'default', name: 'web', kind: 'ClusterIP', clusterIPs: ['10.0.0.1'], externalName: '', ports: [] } },
  },
  {
    name: 'NodePort and LoadBalancer services answer as ClusterIP',
    raw: `{kind: Service, metadata: {name: lb, namespace: default}, spec: {type: LoadBalancer, clusterIP: 10.96.0.7}}`,
    want: { kind: 'Service', object: { namespace: 'default', name: 'lb', kind: 'ClusterIP', clusterIPs: ['10.96.0.7'], externalName: '', ports: [] } },
  },
  {
    name: 'ExternalName: lower-case FQDN',
    raw: `{kind: Service, metadata: {name: search, namespace: default}, spec: {type: ExternalName, externalName: WWW.Example.COM}}`,
    want: { kind: 'Service', object: { namespace: 'default', name: 'search', kind: 'ExternalName', clusterIPs: [],
      externalName: 'www.example.com.', ports: [] } },
  },
  {
    name: 'ExternalName that is an IP literal is kept (answers refuse it)',
    raw: `{kind: Service, metadata: {name: ip, namespace: default}, spec: {type: ExternalName, externalName: 1.2.3.4}}`,
    want: { kind: 'Service', object: { namespace: 'default', name: 'ip', kind: 'ExternalName', clusterIPs: [], externalName: '1.2.3.4.', ports: [] } },
  },
  {
    name: 'ExternalName without externalName',
    raw: `{kind: Service, metadata: {name: broken, namespace: default}, spec: {type: ExternalName}}`,
    skip: 'Service default/broken: type ExternalName without spec.externalName',
  },
  {
    name: 'upper-case names are lower-cased; protocol defaults to TCP; odd ports dropped',
    raw: `{kind: Service, metadata: {name: Web, namespace: Default},
      spec: {clusterIP: 10.0.0.2, ports: [{name: HTTP, port: 80}, {name: dns, port: 53, protocol: udp}, {name: none}, {name: big, port: 70000}]}}`,
    want: { kind: 'Service', object: { namespace: 'default', name: 'web', kind: 'ClusterIP', clusterIPs: ['10.0.0.2'], externalName: '',
      ports: [HTTP, { name: 'dns', protocol: 'UDP', port: 53 }] } },
  },
  {
    name: 'unnamed port',
    raw: `{kind: Service, metadata: {name: web, namespace: default}, spec: {clusterIP: 10.0.0.3, ports: [{port: 80, protocol: TCP}]}}`,
    want: { kind: 'Service', object: { namespace: 'default', name: 'web', kind: 'ClusterIP', clusterIPs: ['10.0.0.3'], externalName: '',
      ports: [{ name: '', protocol: 'TCP', port: 80 }] } },
  },
  {
    name: 'service without namespace',
    raw: `{kind: Service, metadata: {name: web}, spec: {clusterIP: 10.0.0.1}}`,
    skip: 'Service web has no metadata.namespace',
  },
  // ---- EndpointSlice ----
  {
    name: 'endpoints: ready unset is ready, no addresses skipped, hostname and pod name',
    raw: `{kind: EndpointSlice, apiVersion: discovery.k8s.io/v1,
      metadata: {name: db-abc, namespace: default, labels: {kubernetes.io/service-name: DB}},
      addressType: IPv4,
      endpoints: [
        {addresses: [10.244.1.20], hostname: db-0, targetRef: {kind: Pod, name: db-0}},
        {addresses: [10.244.2.21], conditions: {ready: false}, targetRef: {kind: Pod, name: db-1}},
        {addresses: [], hostname: empty},
        {conditions: {ready: true}},
        {addresses: [10.244.3.3], conditions: {ready: true}, targetRef: {kind: Node, name: n1}}],
      ports: [{name: mysql, port: 3306, protocol: TCP}, {name: all}]}`,
    want: { kind: 'EndpointSlice', object: { namespace: 'default', name: 'db-abc', service: 'db', addressType: 'IPv4',
      endpoints: [
        { addresses: ['10.244.1.20'], hostname: 'db-0', podName: 'db-0', ready: true },
        { addresses: ['10.244.2.21'], hostname: undefined, podName: 'db-1', ready: false },
        { addresses: ['10.244.3.3'], hostname: undefined, podName: undefined, ready: true },
      ],
      ports: [{ name: 'mysql', protocol: 'TCP', port: 3306 }] } },
  },
  {
    name: 'IPv6 slice: canonical addresses, other family dropped',
    raw: `{kind: EndpointSlice, metadata: {name: web-v6, namespace: default, labels: {kubernetes.io/service-name: web}},
      addressType: IPv6, endpoints: [{addresses: ["fd00:10:244:1:0:0:0:a", 10.0.0.1]}, {addresses: [10.0.0.2]}]}`,
    want: { kind: 'EndpointSlice', object: { namespace: 'default', name: 'web-v6', service: 'web', addressType: 'IPv6',
      endpoints: [{ addresses: ['fd00:10:244:1::a'], hostname: undefined, podName: undefined, ready: true }], ports: [] } },
  },
  {
    name: 'FQDN slice is kept (answers ignore it)',
    raw: `{kind: EndpointSlice, metadata: {name: ext, namespace: default, labels: {kubernetes.io/service-name: ext}},
      addressType: FQDN, endpoints: [{addresses: [Backend.Example.com]}]}`,
    want: { kind: 'EndpointSlice', object: { namespace: 'default', name: 'ext', service: 'ext', addressType: 'FQDN',
      endpoints: [{ addresses: ['backend.example.com.'], hostname: undefined, podName: undefined, ready: true }], ports: [] } },
  },
  {
    name: 'slice without the service-name label',
    raw: `{kind: EndpointSlice, metadata: {name: orphan, namespace: default}, addressType: IPv4, endpoints: []}`,
    skip: 'EndpointSlice default/orphan: no kubernetes.io/service-name label',
  },
  {
    name: 'slice with an unknown addressType',
    raw: `{kind: EndpointSlice, metadata: {name: odd, namespace: default, labels: {kubernetes.io/service-name: x}}, addressType: IPv5}`,
    skip: 'addressType IPv5 is not IPv4, IPv6 or FQDN',
  },
  // ---- Pod ----
  {
    name: 'pod: status.podIPs, canonical',
    raw: `{kind: Pod, metadata: {name: web-1, namespace: default}, status: {podIP: 10.244.1.10, podIPs: [{ip: 10.244.1.10}, {ip: "fd00:10:244:1:0::a"}]}}`,
    want: { kind: 'Pod', object: { namespace: 'default', name: 'web-1', ips: ['10.244.1.10', 'fd00:10:244:1::a'], deleting: false } },
  },
  {
    name: 'pod: only status.podIP, being deleted',
    raw: `{kind: Pod, metadata: {name: Old, namespace: default, deletionTimestamp: "2024-05-01T12:00:00Z"}, status: {podIP: 10.244.1.11}}`,
    want: { kind: 'Pod', object: { namespace: 'default', name: 'old', ips: ['10.244.1.11'], deleting: true } },
  },
  {
    name: 'pending pod without an IP',
    raw: `{kind: Pod, metadata: {name: pending, namespace: default}, status: {phase: Pending}}`,
    want: { kind: 'Pod', object: { namespace: 'default', name: 'pending', ips: [], deleting: false } },
  },
  // ---- Namespace and the rest ----
  {
    name: 'namespace with labels; values that are not strings dropped',
    raw: `{kind: Namespace, metadata: {name: Staging, labels: {env: staging, n: 1}}}`,
    want: { kind: 'Namespace', object: { name: 'staging', labels: { env: 'staging' } } },
  },
  { name: 'unknown kind', raw: `{kind: ConfigMap, metadata: {name: x, namespace: default}}`, skip: 'kind ConfigMap is not used by kdns' },
  { name: 'Endpoints (the old API) are not read', raw: `{kind: Endpoints, metadata: {name: x, namespace: default}}`, skip: 'kind Endpoints is not used by kdns' },
  { name: 'an item that is not an object', raw: `just text`, skip: 'not an object' },
  { name: 'an item without kind', raw: `{metadata: {name: x}}`, skip: 'has no kind' },
  { name: 'an item without name', raw: `{kind: Service, metadata: {namespace: default}}`, skip: 'a Service has no metadata.name' },
];

describe('kubernetes toSlim', () => {
  for (const c of cases) {
    it(c.name, () => {
      const got = toSlim(parse(c.raw));
      if (c.skip !== undefined) {
        expect(got).to.have.property('skip').that.includes(c.skip);
      } else {
        expect(got).to.deep.equal(c.want);
      }
    });
  }

  it('shares equal ports between objects', () => {
    const a = toSlim(parse(`{kind: Service, metadata: {name: a, namespace: shared}, spec: {clusterIP: 10.0.0.1, ports: [{name: http, port: 80}]}}`));
    const b = toSlim(parse(`{kind: Service, metadata: {name: b, namespace: shared}, spec: {clusterIP: 10.0.0.2, ports: [{name: http, port: 80}]}}`));
    if (!('kind' in a) || !('kind' in b) || a.kind !== 'Service' || b.kind !== 'Service') throw new Error('not services');
    expect(a.object.ports[0]).to.equal(b.object.ports[0]);
  });
});
