// The query classes `npm run bench` measures: a Corefile, a state, and dnsperf query lines.

import { readFileSync } from 'node:fs';
import { reverseName } from '../src/dns/ip.js';

export interface BenchClass {
  name: string;
  corefile: string;
  /** dnsperf query lines: "name TYPE". */
  queries: () => string[];
  /** Files written beside the Corefile. */
  files?: Record<string, string>;
  /**
   * A DNS server kdns forwards to: started before kdns (on the dnsperf core), its
   * address in the environment as UPSTREAM (the Corefile says `{$UPSTREAM}`), and
   * measured alone on the server core too, so kdns is compared with it.
   */
  upstream?: UpstreamServer;
  /** Queries carry EDNS0 (dnsperf -e; the latency generator a 1232-byte buffer): for answers past 512 bytes. */
  edns?: boolean;
}

export interface UpstreamServer {
  name: string;
  command: string;
  args: (port: number) => string[];
  /** Text it prints once it serves. */
  readyText: string;
}

/** dnsmasq answering every name under example.test from its configuration (no cache, no log). */
export const DNSMASQ: UpstreamServer = {
  name: 'dnsmasq',
  command: 'dnsmasq',
  args: (port) => ['--keep-in-foreground', '--no-resolv', '--no-hosts', '--conf-file=/dev/null', '--pid-file=', `--port=${port}`,
    '--listen-address=127.0.0.1', '--bind-interfaces', '--log-facility=-', '--address=/example.test/192.0.2.1'],
  readyText: 'started',
};

/** Distinct names, so that nothing on the way can answer from a cache. */
function distinctNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `q${i}.example.test A`);
}

const clusterCorefile = (fixture: string, extra = ''): string => `. {
${extra}  kubernetes cluster.local in-addr.arpa ip6.arpa {
    fixture ${fixture}
    pods insecure
  }
}
`;

/** The embedded default state (corefile-examples/fixture.yaml): a mix of every shape. */
const SMALL_MIX = [
  'kubernetes.default.svc.cluster.local A',
  'web.default.svc.cluster.local AAAA',
  '_http._tcp.web.default.svc.cluster.local SRV',
  'db.default.svc.cluster.local A',
  '1.0.96.10.in-addr.arpa PTR',
  'nope.default.svc.cluster.local A',
  '10-244-1-20.default.pod.cluster.local A',
];

interface RawItem { kind?: string; metadata?: { name?: string; namespace?: string }; spec?: { clusterIP?: string; ports?: { name?: string; protocol?: string }[] } }

/** Names sampled from a generated fixture: A, AAAA, SRV, PTR of services, and NXDOMAIN. */
export function largeMix(fixturePath: string, count = 5000): string[] {
  const items = (JSON.parse(readFileSync(fixturePath, 'utf8')) as { items: RawItem[] }).items;
  const services = items.filter((i) => i.kind === 'Service' && i.spec?.clusterIP && i.spec.clusterIP !== 'None');
  const lines: string[] = [];
  for (let i = 0; lines.length < count; i++) {
    const s = services[(i * 7919) % services.length]!;
    const fq = `${s.metadata!.name}.${s.metadata!.namespace}.svc.cluster.local`;
    const port = s.spec!.ports?.find((p) => p.name);
    switch (i % 5) {
      case 0: lines.push(`${fq} A`); break;
      case 1: lines.push(`${fq} AAAA`); break;
      case 2: lines.push(port ? `_${port.name}._${(port.protocol ?? 'TCP').toLowerCase()}.${fq} SRV` : `${fq} SRV`); break;
      case 3: lines.push(`${reverseName(s.spec!.clusterIP!)!.slice(0, -1)} PTR`); break;
      default: lines.push(`missing-${i}.${s.metadata!.namespace}.svc.cluster.local A`);
    }
  }
  return lines;
}

/** A headless service whose EndpointSlice has `count` ready endpoints: the A answer is one record per endpoint. */
export function headlessState(count: number): string {
  const endpoints = Array.from({ length: count }, (_, i) => ({
    addresses: [`10.244.${3 + (i >> 8)}.${(i & 255) + 1}`], conditions: { ready: true }, hostname: `big-${i}`,
  }));
  return JSON.stringify({
    apiVersion: 'v1', kind: 'List', items: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'big', namespace: 'default' },
        spec: { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } },
      { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
        metadata: { name: 'big-x1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'big' } },
        addressType: 'IPv4', endpoints, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
    ],
  });
}

/**
 * What pods in namespace `default` ask, modelled on kubernetes/perf-tests dns
 * `all-queries.txt`: the stub resolver (ndots:5) walks the search path
 * default.svc.cluster.local, svc.cluster.local, cluster.local, then the name itself,
 * and stops at the first answer that is not NXDOMAIN; A and AAAA each.
 */
export function podMix(): string[] {
  const search = ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'];
  /** Names as a pod writes them, with how many search suffixes fail before one answers (3: none does). */
  const asked: [string, number][] = [
    ['kubernetes', 0], ['web', 0], ['api', 0], ['db', 0],
    ['kube-dns.kube-system', 1], ['web.staging', 1],
    ['www.example.test', 3], ['api.example.test', 3],
  ];
  const lines: string[] = [];
  for (const [name, misses] of asked) {
    for (const type of ['A', 'AAAA']) {
      for (let i = 0; i <= Math.min(misses, 2); i++) lines.push(`${name}.${search[i]} ${type}`);
      if (misses === 3) lines.push(`${name} ${type}`);
    }
  }
  return lines;
}

/** The Corefile of a kubeadm cluster, trimmed to what answers queries. */
const KUBE_DEFAULT_COREFILE = `. {
  kubernetes cluster.local in-addr.arpa ip6.arpa {
    fixture state.yaml
    pods insecure
    fallthrough in-addr.arpa ip6.arpa
  }
  forward . {$UPSTREAM}
  cache 30
}
`;

export function classes(fixtureYaml: string, largeFixture: string | undefined): BenchClass[] {
  const list: BenchClass[] = [
    { name: 'whoami A', corefile: 'example.org {\n  whoami\n}\n', queries: () => ['example.org A'] },
    { name: 'cluster A (small state)', corefile: clusterCorefile('state.yaml'), files: { 'state.yaml': fixtureYaml },
      queries: () => ['kubernetes.default.svc.cluster.local A'] },
    // The same with the per-query metrics recorded (the cost of `prometheus`).
    { name: 'cluster A (small state, prometheus)', corefile: clusterCorefile('state.yaml', '  prometheus 127.0.0.1:0\n'),
      files: { 'state.yaml': fixtureYaml }, queries: () => ['kubernetes.default.svc.cluster.local A'] },
    { name: 'cluster AAAA (small state)', corefile: clusterCorefile('state.yaml'), files: { 'state.yaml': fixtureYaml },
      queries: () => ['web.default.svc.cluster.local AAAA'] },
    { name: 'cluster SRV (small state)', corefile: clusterCorefile('state.yaml'), files: { 'state.yaml': fixtureYaml },
      queries: () => ['_http._tcp.web.default.svc.cluster.local SRV'] },
    { name: 'cluster PTR (small state)', corefile: clusterCorefile('state.yaml'), files: { 'state.yaml': fixtureYaml },
      queries: () => ['1.0.96.10.in-addr.arpa PTR'] },
    { name: 'NXDOMAIN (small state)', corefile: clusterCorefile('state.yaml'), files: { 'state.yaml': fixtureYaml },
      queries: () => Array.from({ length: 1000 }, (_, i) => `missing-${i}.default.svc.cluster.local A`) },
    { name: 'headless, 60 endpoints (big answer)', corefile: clusterCorefile('state.json'), files: { 'state.json': headlessState(60) },
      edns: true, queries: () => ['big.default.svc.cluster.local A'] },
    { name: 'pod mix, ndots:5 (small state)', corefile: KUBE_DEFAULT_COREFILE, files: { 'state.yaml': fixtureYaml },
      upstream: DNSMASQ, queries: podMix },
    { name: 'cluster mix (small state)', corefile: clusterCorefile('state.yaml'), files: { 'state.yaml': fixtureYaml },
      queries: () => SMALL_MIX },
    { name: 'forward miss', corefile: '. {\n  forward . {$UPSTREAM}\n}\n', upstream: DNSMASQ, queries: () => distinctNames(300_000) },
    // A small set of names asked again and again: after the first query of each, answered from the cache.
    { name: 'cache hit', corefile: '. {\n  forward . {$UPSTREAM}\n  cache\n}\n', upstream: DNSMASQ,
      queries: () => Array.from({ length: 20 }, (_, i) => `hit${i}.example.test A`) },
  ];
  if (largeFixture) {
    list.push({ name: 'cluster mix (5k svc/50k pods)', corefile: clusterCorefile(largeFixture), queries: () => largeMix(largeFixture) });
  }
  return list;
}
