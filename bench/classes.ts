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

export function classes(fixtureYaml: string, largeFixture: string | undefined): BenchClass[] {
  const list: BenchClass[] = [
    { name: 'whoami A', corefile: 'example.org {\n  whoami\n}\n', queries: () => ['example.org A'] },
    { name: 'cluster A (small state)', corefile: clusterCorefile('state.yaml'), files: { 'state.yaml': fixtureYaml },
      queries: () => ['kubernetes.default.svc.cluster.local A'] },
    // The same with the per-query metrics recorded (the cost of `prometheus`).
    { name: 'cluster A (small state, prometheus)', corefile: clusterCorefile('state.yaml', '  prometheus 127.0.0.1:0\n'),
      files: { 'state.yaml': fixtureYaml }, queries: () => ['kubernetes.default.svc.cluster.local A'] },
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
