// The soak: a kdns process with the Corefile of a cluster (kubernetes from a fixture,
// forward with cache, whoami, prometheus, reload) under open-loop UDP load at a share
// of the peak it sustains, with mixed query classes, while the fixture changes every
// second and the Corefile every few seconds. Samples answered queries, latency, RSS
// and heap each second. Used by test/server/soak.e2e.test.ts (bounded) and
// bench/soak.ts (by hand, longer, with a plot).

import { createSocket, type Socket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from '../../src/dns/constants.js';
import { encodeResponse } from '../../src/dns/encode.js';
import { parseQuery, Rejected, Response } from '../../src/dns/message.js';
import { buildQuery, INTERNAL_TRANSPORT } from '../../src/dns/query.js';
import { query } from './dns.js';
import { freePort, startKdns, type KdnsProcess } from './kdns.js';
import { allLatencies, percentile, runLoadInWorker, type LoadResult } from './load.js';
import { scrape, value } from './metrics.js';
import { FIXTURE_YAML } from '../plugins/kubernetes/cluster.js';

/** Query classes, in the proportions they are sent. */
export const CLASSES: readonly { name: string; qname: string; qtype: number; weight: number }[] = [
  { name: 'cluster A', qname: 'kubernetes.default.svc.cluster.local.', qtype: Type.A, weight: 30 },
  { name: 'cluster SRV', qname: '_http._tcp.svc1.testns.svc.cluster.local.', qtype: Type.SRV, weight: 10 },
  { name: 'headless A', qname: 'hdls1.testns.svc.cluster.local.', qtype: Type.A, weight: 10 },
  { name: 'cluster NXDOMAIN (search path)', qname: 'kubernetes.default.svc.cluster.local.svc.cluster.local.', qtype: Type.A, weight: 20 },
  { name: 'AAAA NODATA', qname: 'kubernetes.default.svc.cluster.local.', qtype: Type.AAAA, weight: 10 },
  { name: 'PTR', qname: '1.0.96.10.in-addr.arpa.', qtype: Type.PTR, weight: 5 },
  { name: 'forwarded (cached)', qname: 'www.example.com.', qtype: Type.A, weight: 10 },
  { name: 'whoami', qname: 'who.example.org.', qtype: Type.A, weight: 5 },
];

function mix(): Buffer[] {
  return CLASSES.flatMap((c) => Array.from({ length: c.weight }, () => buildQuery(c.qname, c.qtype)));
}

export interface Sample {
  readonly second: number;
  readonly sent: number;
  readonly answered: number;
  readonly p50: number;
  readonly p99: number;
  readonly rssMb: number;
  readonly heapMb: number;
  /** Answers kdns counted in its cluster.local block (coredns_dns_responses_total) in that second. */
  readonly served: number;
}

export interface SoakReport {
  readonly peakQps: number;
  readonly targetQps: number;
  readonly seconds: number;
  readonly sent: number;
  readonly answered: number;
  /** Answers by rcode name. */
  readonly rcodes: Record<number, number>;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly samples: Sample[];
  readonly peakRssMb: number;
  readonly reloads: number;
  readonly fixtureChanges: number;
  /** kdns's log lines at warn level and above. */
  readonly warnings: string[];
  /** kdns answered a query after the load. */
  readonly aliveAfter: boolean;
  readonly logTail: string[];
}

/** An upstream answering every A query at once, for the forwarded class. */
async function upstream(): Promise<Socket> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  s.on('message', (msg, rinfo) => {
    const req = parseQuery(msg, INTERNAL_TRANSPORT);
    if (req instanceof Rejected) return;
    const resp = new Response();
    resp.recursionAvailable = true;
    resp.answer = [{ name: req.qname, ttl: 300, type: Type.A, address: '93.184.216.34' }];
    s.send(encodeResponse(resp, req), rinfo.port, rinfo.address);
  });
  return s;
}

function corefile(metricsPort: number, upstreamPort: number, generation: number): string {
  return `# generation ${generation}
cluster.local in-addr.arpa {
  prometheus 127.0.0.1:${metricsPort}
  reload 1s 0s
  kubernetes cluster.local in-addr.arpa {
    fixture cluster.yaml
    pods insecure
  }
}
example.com {
  cache 30
  forward . 127.0.0.1:${upstreamPort}
}
example.org {
  whoami
}
`;
}

/** The fixture with `n` extra services: each change adds or removes one. */
function fixture(n: number): string {
  let extra = '';
  for (let i = 0; i < n; i++) {
    extra += `- apiVersion: v1\n  kind: Service\n  metadata: {name: churn-${i}, namespace: default}\n  spec: {clusterIP: 10.0.${200 + (i >> 8)}.${i & 0xff}}\n`;
  }
  return FIXTURE_YAML + extra;
}

/**
 * The highest rate this machine sustains, generator included (it shares the cores
 * with kdns): steps up by half from 1,000 qps, each held `stepSeconds`, until one
 * gets fewer than 99% answers. An overload's answer rate would overstate it.
 */
async function findPeak(port: number, queries: Buffer[], stepSeconds: number, log: (line: string) => void): Promise<number> {
  let good = 0;
  for (let rate = 1000; rate < 1_000_000; rate = Math.round(rate * 1.5)) {
    const r = await runLoadInWorker({ port, queries, qps: rate, durationMs: stepSeconds * 1000, sockets: 4, drainMs: 1000 });
    log(`  ${rate} qps: ${((100 * r.answered) / r.sent).toFixed(2)}% answered`);
    if (r.answered < 0.99 * r.sent) break;
    good = rate;
  }
  return Math.max(good, 100);
}

export interface SoakOptions {
  readonly seconds: number;
  /** Share of the peak to run at (0.7). */
  readonly share: number;
  /** How long each step of the search for the peak lasts. */
  readonly stepSeconds: number;
  /** Seconds between two Corefile changes. */
  readonly reloadEvery: number;
  readonly log?: (line: string) => void;
}

export async function soak(opts: SoakOptions): Promise<SoakReport> {
  const log = opts.log ?? (() => undefined);
  const up = await upstream();
  const metricsPort = await freePort();
  const upPort = up.address().port;
  let kdns: KdnsProcess | undefined;
  try {
    kdns = await startKdns(corefile(metricsPort, upPort, 0), { files: { 'cluster.yaml': fixture(0) }, probe: 'cluster.local.' });
    const port = kdns.port;
    const queries = mix();
    const peakQps = await findPeak(port, queries, opts.stepSeconds, log);
    const targetQps = Math.round(peakQps * opts.share);
    log(`peak ${peakQps} qps; soaking at ${targetQps} qps for ${opts.seconds} s`);
    // The last step overloaded kdns: let it work off what that left queued.
    await new Promise((r) => setTimeout(r, 3000));

    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    const memory: { rssMb: number; heapMb: number; served: number }[] = [];
    let reloads = 0, fixtureChanges = 0, n = 0;
    const load = runLoadInWorker({ port, queries, qps: targetQps, durationMs: opts.seconds * 1000, sockets: 4 });
    const t0 = Date.now();
    const ticker = setInterval(() => {
      const second = Math.floor((Date.now() - t0) / 1000);
      if (second >= opts.seconds) return;
      // Churn: a service more, or one less, every second.
      n = second % 20 < 10 ? n + 1 : Math.max(0, n - 1);
      writeFileSync(join(kdns!.dir, 'cluster.yaml'), fixture(n));
      fixtureChanges++;
      if (second > 0 && second % opts.reloadEvery === 0) {
        writeFileSync(join(kdns!.dir, 'Corefile'), corefile(metricsPort, upPort, second));
        reloads++;
      }
      void scrape(metricsUrl).then((s) => {
        let served = 0;
        for (const [k, v] of s) if (k.startsWith('coredns_dns_responses_total{')) served += v;
        memory[second] = {
          rssMb: value(s, 'process_resident_memory_bytes') / 2 ** 20, heapMb: value(s, 'nodejs_heap_size_used_bytes') / 2 ** 20, served,
        };
      }, () => undefined);
    }, 1000);
    let result: LoadResult;
    try {
      result = await load;
    } finally {
      clearInterval(ticker);
    }
    const samples: Sample[] = result.windows.slice(0, opts.seconds).map((w) => ({
      second: w.second, sent: w.sent, answered: w.answered,
      p50: percentile(w.latencies, 50), p99: percentile(w.latencies, 99),
      rssMb: memory[w.second]?.rssMb ?? NaN, heapMb: memory[w.second]?.heapMb ?? NaN,
      served: (memory[w.second]?.served ?? NaN) - (memory[w.second - 1]?.served ?? NaN),
    }));
    const lat = allLatencies(result);
    // The server must still answer once the load stops.
    let aliveAfter = true;
    try {
      await query(port, 'kubernetes.default.svc.cluster.local.', 'A', { timeoutMs: 3000 });
    } catch {
      aliveAfter = false;
    }
    const lines = kdns.stdout().split('\n');
    const reloaded = lines.filter((l) => l.includes('Reloading complete')).length;
    const warnings = lines.filter((l) => /"level":(40|50|60)/.test(l));
    return {
      peakQps, targetQps, seconds: opts.seconds, sent: result.sent, answered: result.answered, rcodes: result.rcodes,
      p50: percentile(lat, 50), p99: percentile(lat, 99), p999: percentile(lat, 99.9), samples,
      peakRssMb: Math.max(...samples.map((s) => s.rssMb).filter((x) => !Number.isNaN(x))),
      reloads: Math.min(reloads, reloaded), fixtureChanges, warnings, aliveAfter, logTail: lines.slice(-30),
    };
  } finally {
    await kdns?.stop();
    up.close();
  }
}

export function describeReport(r: SoakReport): string {
  const pct = ((100 * r.answered) / r.sent).toFixed(3);
  return `peak ${r.peakQps} qps; soak at ${r.targetQps} qps for ${r.seconds} s: ${r.answered}/${r.sent} answered (${pct}%), `
    + `p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, p99.9 ${r.p999.toFixed(2)} ms; peak RSS ${r.peakRssMb.toFixed(1)} MB; `
    + `${r.reloads} reloads, ${r.fixtureChanges} fixture changes, ${r.warnings.length} warnings in kdns's log`;
}
