// Generates a large, realistic fixture (SPEC §2) for scale and memory tests:
//   npm run gen:fixture -- --services 5000 --pods 50000 [--headless-fraction 0.1]
//     [--namespaces K] [--dual-stack-fraction 0] [--seed 1] [--out .bench/fixture.json]
// The output is a JSON `v1 List` (JSON is YAML, and kdns parses it with JSON.parse),
// written as text in chunks so 50,000 pods take seconds. Same options, same file.

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';

interface Options {
  services: number;
  pods: number;
  headlessFraction: number;
  namespaces: number;
  dualStackFraction: number;
  seed: number;
  out: string;
}

const EXTERNAL_NAME_FRACTION = 0.02;
const NOT_READY_FRACTION = 0.05;
const DELETING_FRACTION = 0.005;
const BIG_SERVICE_FRACTION = 0.03;
/** The EndpointSlice controller's default maxEndpointsPerSlice. */
const MAX_ENDPOINTS_PER_SLICE = 100;
const WORDS = ['api', 'web', 'worker', 'cache', 'auth', 'billing', 'search', 'gateway', 'orders', 'cart',
  'users', 'catalog', 'notify', 'metrics', 'ledger', 'report', 'media', 'inventory', 'checkout', 'profile'];
const TEAMS = ['payments', 'storefront', 'platform', 'data', 'identity', 'growth', 'infra', 'ml', 'support', 'ops'];

function options(): Options {
  const { values } = parseArgs({
    options: {
      services: { type: 'string', default: '1000' },
      pods: { type: 'string', default: '10000' },
      'headless-fraction': { type: 'string', default: '0.1' },
      namespaces: { type: 'string' },
      'dual-stack-fraction': { type: 'string', default: '0' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: '.bench/fixture.json' },
    },
  });
  const services = Number(values.services);
  return {
    services,
    pods: Number(values.pods),
    headlessFraction: Number(values['headless-fraction']),
    namespaces: values.namespaces ? Number(values.namespaces) : Math.max(1, Math.ceil(services / 100)),
    dualStackFraction: Number(values['dual-stack-fraction']),
    seed: Number(values.seed),
    out: values.out!,
  };
}

/** mulberry32: a tiny seeded PRNG, so the same options give the same file. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';

class Gen {
  readonly rand: () => number;
  constructor(seed: number) { this.rand = prng(seed); }
  suffix(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += ALNUM[Math.floor(this.rand() * ALNUM.length)];
    return s;
  }
  chance(p: number): boolean { return this.rand() < p; }
  private readonly used = new Set<string>();
  /** `prefix-<random>`, drawn again on a clash: the API allows one name per namespace and kind. */
  uniqueName(kind: string, namespace: string, prefix: string, n: number): string {
    for (;;) {
      const name = `${prefix}-${this.suffix(n)}`;
      const key = `${kind}/${namespace}/${name}`;
      if (!this.used.has(key)) { this.used.add(key); return name; }
    }
  }
}

/** The n-th address after `base` (an IPv4 number) as text. */
function v4(base: number, n: number): string {
  const a = (base + n) >>> 0;
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** The n-th address in `prefix::/64`-style space, in canonical (RFC 5952) form. */
function v6(prefix: string, n: number): string {
  const hi = Math.floor(n / 65536), lo = n % 65536;
  return hi ? `${prefix}::${hi.toString(16)}:${lo.toString(16)}` : `${prefix}::${lo.toString(16)}`;
}

const POD_V4 = (10 << 24) | (244 << 16);
const SVC_V4 = (10 << 24) | (96 << 16);
/** Pod addresses below this one belong to the system pods. */
const FIRST_POD = 16;

/** Buffered writer: text goes out in ~1 MB writes. */
class Out {
  private fd: number;
  private buf = '';
  private first = true;
  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'w');
    this.buf = '{"apiVersion":"v1","kind":"List","metadata":{"resourceVersion":""},"items":[\n';
  }
  item(o: unknown): void {
    this.buf += (this.first ? '' : ',\n') + JSON.stringify(o);
    this.first = false;
    if (this.buf.length > 1 << 20) { writeSync(this.fd, this.buf); this.buf = ''; }
  }
  close(): void {
    writeSync(this.fd, this.buf + '\n]}\n');
    closeSync(this.fd);
  }
}

interface PodRef { name: string; ips: string[]; ready: boolean; deleting: boolean; hostname?: string }
type Port = { name: string; port: number; protocol: string; targetPort: number };

type Emit = (kind: 'namespaces' | 'services' | 'endpointSlices' | 'pods', obj: unknown) => void;

/** What every cluster has: the API server's `kubernetes` service and `kube-dns` with two pods. */
function systemServices(item: Emit): void {
  item('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default' },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'],
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] } });
  item('endpointSlices', { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4', endpoints: [{ addresses: ['172.18.0.2'], conditions: { ready: true } }],
    ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] });
  const dnsPorts = [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' },
    { name: 'metrics', port: 9153, protocol: 'TCP' }];
  item('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
    spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], selector: { 'k8s-app': 'kube-dns' },
      ports: dnsPorts.map((p) => ({ ...p, targetPort: p.port })) } });
  const dnsPods = [['coredns-5d78c9869d-8hq2v', '10.244.0.2'], ['coredns-5d78c9869d-tw6lm', '10.244.0.3']] as const;
  item('endpointSlices', { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: 'kube-dns-7xk2p', namespace: 'kube-system', labels: { 'kubernetes.io/service-name': 'kube-dns' } },
    addressType: 'IPv4', ports: dnsPorts,
    endpoints: dnsPods.map(([name, ip]) => ({ addresses: [ip], conditions: { ready: true },
      targetRef: { kind: 'Pod', name, namespace: 'kube-system' } })) });
  for (const [name, ip] of dnsPods) {
    item('pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] } });
  }
}

function main(): void {
  const o = options();
  const started = Date.now();
  const g = new Gen(o.seed);
  const out = new Out(o.out);
  const counts = { namespaces: 0, services: 0, endpointSlices: 0, pods: 0 };
  const item: Emit = (kind, obj) => { out.item(obj); counts[kind]++; };

  const nsNames = ['kube-system', 'default'];
  for (let i = 0; i < o.namespaces - 2; i++) nsNames.push(`${TEAMS[i % TEAMS.length]}-${Math.floor(i / TEAMS.length)}`);
  for (const name of nsNames) {
    item('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });
  }
  systemServices(item);

  // Which services are what, and how many pods each gets: most get a few, a few get many
  // (so big services span several EndpointSlices).
  const plan = Array.from({ length: o.services }, (_, i) => {
    const external = g.chance(EXTERNAL_NAME_FRACTION);
    return {
      i,
      namespace: nsNames[i % Math.max(o.namespaces, 2)]!,
      name: `${WORDS[i % WORDS.length]}-${i}`,
      external,
      headless: !external && g.chance(o.headlessFraction),
      dual: !external && g.chance(o.dualStackFraction),
      weight: external ? 0 : g.chance(BIG_SERVICE_FRACTION) ? 30 + g.rand() * 30 : 1 + g.rand() * 2,
      pods: 0,
    };
  });
  const total = plan.reduce((s, p) => s + p.weight, 0);
  let assigned = 0;
  for (const p of plan) { p.pods = total ? Math.floor((o.pods * p.weight) / total) : 0; assigned += p.pods; }
  const backends = plan.filter((p) => !p.external);
  for (let k = 0; assigned < o.pods && backends.length; k++, assigned++) backends[k % backends.length]!.pods++;

  let podIndex = 0;
  for (const s of plan) {
    const meta = { name: s.name, namespace: s.namespace, labels: { app: s.name } };
    if (s.external) {
      item('services', { apiVersion: 'v1', kind: 'Service', metadata: meta,
        spec: { type: 'ExternalName', externalName: `${s.name}.${TEAMS[s.i % TEAMS.length]}.example.com` } });
      continue;
    }
    const ports: Port[] = s.headless
      ? [{ name: 'tcp-db', port: 5432, protocol: 'TCP', targetPort: 5432 }]
      : [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }];
    if (g.chance(0.3)) ports.push({ name: 'grpc', port: 9090, protocol: 'TCP', targetPort: 9090 });
    if (g.chance(0.2)) ports.push({ name: 'metrics', port: 9100, protocol: 'TCP', targetPort: 9100 });
    const clusterIPs = s.headless ? ['None'] : s.dual ? [v4(SVC_V4, 16 + s.i), v6('fd00:10:96', 16 + s.i)] : [v4(SVC_V4, 16 + s.i)];
    item('services', { apiVersion: 'v1', kind: 'Service', metadata: meta, spec: {
      type: 'ClusterIP', clusterIP: clusterIPs[0], clusterIPs,
      ipFamilies: s.dual ? ['IPv4', 'IPv6'] : ['IPv4'], ipFamilyPolicy: s.dual ? 'RequireDualStack' : 'SingleStack',
      selector: { app: s.name }, ports } });

    const template = g.suffix(9);
    const pods: PodRef[] = [];
    for (let k = 0; k < s.pods; k++, podIndex++) {
      const deleting = g.chance(DELETING_FRACTION);
      const ips = [v4(POD_V4, FIRST_POD + podIndex)];
      if (s.dual) ips.push(v6('fd00:10:244', FIRST_POD + podIndex));
      const pod: PodRef = { name: s.headless ? `${s.name}-${k}` : g.uniqueName('Pod', s.namespace, `${s.name}-${template}`, 5),
        ips, deleting, ready: !deleting && !g.chance(NOT_READY_FRACTION) };
      if (s.headless) pod.hostname = pod.name;
      pods.push(pod);
      item('pods', { apiVersion: 'v1', kind: 'Pod', metadata: {
        name: pod.name, namespace: s.namespace, labels: { app: s.name },
        ...(deleting ? { deletionTimestamp: '2024-05-01T12:00:00Z' } : {}) },
        spec: { nodeName: `node-${podIndex % 50}`, ...(s.headless ? { hostname: pod.name, subdomain: s.name } : {}) },
        status: { phase: 'Running', podIP: ips[0], podIPs: ips.map((ip) => ({ ip })) } });
    }
    for (const family of s.dual ? [0, 1] : [0]) {
      for (let start = 0; start < pods.length; start += MAX_ENDPOINTS_PER_SLICE) {
        item('endpointSlices', { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
          metadata: { name: g.uniqueName('EndpointSlice', s.namespace, s.name, 5), namespace: s.namespace,
            labels: { 'kubernetes.io/service-name': s.name, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
          addressType: family ? 'IPv6' : 'IPv4',
          endpoints: pods.slice(start, start + MAX_ENDPOINTS_PER_SLICE).map((p) => ({
            addresses: [p.ips[family]], conditions: { ready: p.ready, serving: p.ready, terminating: p.deleting },
            ...(p.hostname ? { hostname: p.hostname } : {}),
            targetRef: { kind: 'Pod', name: p.name, namespace: s.namespace } })),
          ports: ports.map((p) => ({ name: p.name, port: p.targetPort, protocol: p.protocol })) });
      }
    }
  }
  out.close();
  process.stderr.write(`${o.out}: ${counts.namespaces} namespaces, ${counts.services} services, ` +
    `${counts.endpointSlices} EndpointSlices, ${counts.pods} pods in ${Date.now() - started} ms\n`);
}

main();
