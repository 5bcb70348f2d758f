// The cluster the kubernetes answer tests run against, in the form
// `kubectl get namespaces,services,endpointslices,pods -A -o yaml` prints (SPEC §2),
// and a ClusterStore loaded from it.

import { parseFixture } from '../../../src/plugins/kubernetes/fixture-file.js';
import { ClusterStore } from '../../../src/plugins/kubernetes/store.js';

/** This server's own addresses in the tests: 10.244.0.5 is an endpoint of kube-dns. */
export const OWN_IPS = ['10.244.0.5', 'fd00::53'];

function ns(name: string, labels: Record<string, string> = {}): string {
  return `- apiVersion: v1
  kind: Namespace
  metadata: {name: ${name}, labels: ${JSON.stringify(labels)}}`;
}

function svc(namespace: string, name: string, spec: string): string {
  return `- apiVersion: v1
  kind: Service
  metadata: {name: ${name}, namespace: ${namespace}}
  spec: ${spec}`;
}

interface Ep { ip: string | string[]; hostname?: string; pod?: string; ready?: boolean }

function slice(namespace: string, name: string, service: string, type: 'IPv4' | 'IPv6', eps: Ep[], ports: string): string {
  const endpoints = eps.map((e) => ({
    addresses: Array.isArray(e.ip) ? e.ip : [e.ip],
    ...(e.hostname ? { hostname: e.hostname } : {}),
    ...(e.pod ? { targetRef: { kind: 'Pod', name: e.pod, namespace } } : {}),
    ...(e.ready === undefined ? {} : { conditions: { ready: e.ready } }),
  }));
  return `- apiVersion: discovery.k8s.io/v1
  kind: EndpointSlice
  metadata: {name: ${name}, namespace: ${namespace}, labels: {kubernetes.io/service-name: ${service}}}
  addressType: ${type}
  endpoints: ${JSON.stringify(endpoints)}
  ports: ${ports}`;
}

function pod(namespace: string, name: string, ips: string[], deleting = false): string {
  return `- apiVersion: v1
  kind: Pod
  metadata: {name: ${name}, namespace: ${namespace}${deleting ? ', deletionTimestamp: "2024-01-01T00:00:00Z"' : ''}}
  status: {podIP: ${ips[0]}, podIPs: ${JSON.stringify(ips.map((ip) => ({ ip })))}}`;
}

const HTTP = '[{name: http, port: 80, protocol: TCP}]';

export const FIXTURE_YAML = `apiVersion: v1
kind: List
items:
${[
    ns('default'), ns('kube-system'), ns('testns', { env: 'prod' }), ns('devns', { env: 'dev' }),
    svc('kube-system', 'kube-dns', '{clusterIP: 10.96.0.10, clusterIPs: [10.96.0.10], ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP}]}'),
    slice('kube-system', 'kube-dns-a', 'kube-dns', 'IPv4', [{ ip: '10.244.0.5', pod: 'coredns-1' }],
      '[{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP}]'),
    svc('default', 'kubernetes', `{clusterIP: 10.96.0.1, ports: [{name: https, port: 443, protocol: TCP}]}`),
    svc('testns', 'svc1', `{clusterIP: 10.0.0.1, clusterIPs: [10.0.0.1], ports: ${HTTP}}`),
    slice('testns', 'svc1-a', 'svc1', 'IPv4', [{ ip: '172.0.0.1', hostname: 'ep1a' }, { ip: '172.0.0.9', hostname: 'ep1b', ready: false }], HTTP),
    svc('testns', 'dual', `{clusterIPs: [10.0.0.6, "1234:abcd::6"], ports: ${HTTP}}`),
    svc('testns', 'svcports', '{clusterIP: 10.0.0.7, ports: [{name: http, port: 80, protocol: TCP}, {name: dns, port: 53, protocol: UDP}, '
      + '{name: dns-tcp, port: 53, protocol: TCP}, {port: 8080, protocol: TCP}]}'),
    svc('testns', 'noports', '{clusterIP: 10.0.0.8}'),
    svc('testns', 'empty', `{clusterIP: 10.0.0.9, ports: ${HTTP}}`),
    svc('testns', 'hdls1', `{clusterIP: None, ports: ${HTTP}}`),
    slice('testns', 'hdls1-v4', 'hdls1', 'IPv4', [
      { ip: '172.0.0.2', hostname: 'hdls1-0' }, { ip: '172.0.0.3', pod: 'web-pod-3', ready: true },
      { ip: '172.0.0.4', hostname: 'hdls1-2', ready: false }, { ip: '172.0.0.5', pod: 'x'.repeat(64) },
    ], HTTP),
    slice('testns', 'hdls1-v6', 'hdls1', 'IPv6', [{ ip: '5678:abcd::1', hostname: 'hdls1-0' }, { ip: '5678:abcd::' }], HTTP),
    svc('testns', 'hdlsnoports', '{clusterIP: None}'),
    slice('testns', 'hdlsnoports-a', 'hdlsnoports', 'IPv4', [{ ip: '172.0.0.10' }], '[]'),
    svc('testns', 'hdlsnotready', `{clusterIP: None, ports: ${HTTP}}`),
    slice('testns', 'hdlsnotready-a', 'hdlsnotready', 'IPv4', [{ ip: '172.0.0.11', ready: false }], HTTP),
    svc('testns', 'hdls6', `{clusterIP: None, ports: ${HTTP}}`),
    slice('testns', 'hdls6-a', 'hdls6', 'IPv6', [{ ip: '5678:abcd::2' }], HTTP),
    svc('testns', 'ext', '{type: ExternalName, externalName: ext.interwebs.test}'),
    svc('testns', 'extin', '{type: ExternalName, externalName: svc1.testns.svc.cluster.local}'),
    svc('testns', 'extchain', '{type: ExternalName, externalName: extin.testns.svc.cluster.local}'),
    svc('testns', 'extout', '{type: ExternalName, externalName: ext.testns.svc.cluster.local}'),
    svc('testns', 'extmissing', '{type: ExternalName, externalName: nosuch.testns.svc.cluster.local}'),
    svc('testns', 'extip', '{type: ExternalName, externalName: 1.2.3.4}'),
    svc('testns', 'extloop1', '{type: ExternalName, externalName: extloop2.testns.svc.cluster.local}'),
    svc('testns', 'extloop2', '{type: ExternalName, externalName: extloop1.testns.svc.cluster.local}'),
    svc('devns', 'devsvc', `{clusterIP: 10.0.1.1, ports: ${HTTP}}`),
    svc('nons', 'orphan', `{clusterIP: 10.0.2.1, ports: ${HTTP}}`),
    pod('testns', 'pod1', ['10.244.1.5', 'fd00::5']),
    pod('testns', 'poddel', ['10.244.1.6'], true),
  ].join('\n')}
`;

/** A store holding `yaml` (default FIXTURE_YAML); synced unless told otherwise. */
export function storeFrom(yaml: string = FIXTURE_YAML, synced = true): ClusterStore {
  const { objects, skipped } = parseFixture(yaml, 'test-fixture.yaml');
  if (skipped.length) throw new Error(`fixture items skipped: ${skipped.join('; ')}`);
  const store = new ClusterStore();
  store.batch(() => {
    store.replaceAll('Namespace', objects.Namespace);
    store.replaceAll('Service', objects.Service);
    store.replaceAll('EndpointSlice', objects.EndpointSlice);
    store.replaceAll('Pod', objects.Pod);
    if (synced) store.markSynced();
  });
  return store;
}
