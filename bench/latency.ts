// Latency at a fixed rate, for `npm run bench`: dnsperf 2.10 prints only an average,
// so p50/p99 come from the open-loop generator of the tests (test/support/load.ts),
// paced on every event-loop turn so that it sends evenly rather than in bursts that
// would queue at the server and measure the generator. Run in its own process, on
// the load core (run.ts pins it with taskset):
//   node dist/bench/latency.js PORT QPS SECONDS QUERYFILE [udpSize]
// prints one JSON line: {sent, answered, p50, p99} (ms).

import { readFileSync } from 'node:fs';
import { typeFromName } from '../src/dns/constants.js';
import { buildQuery } from '../src/dns/query.js';
import { allLatencies, percentile, runLoad } from '../test/support/load.js';

export interface LatencyResult {
  sent: number;
  answered: number;
  p50: number;
  p99: number;
}

/** dnsperf query lines ("name TYPE") as wire queries. */
function wireQueries(lines: readonly string[], udpSize?: number): Buffer[] {
  return lines.filter((l) => l.trim()).map((l) => {
    const [name, type] = l.trim().split(/\s+/) as [string, string];
    const qtype = typeFromName(type);
    if (qtype === undefined) throw new Error(`bad query line '${l}'`);
    return buildQuery(name.endsWith('.') ? name : `${name}.`, qtype, udpSize ? { udpSize } : {});
  });
}

const [port, qps, seconds, file, udpSize] = process.argv.slice(2);
if (port && qps && seconds && file) {
  const queries = wireQueries(readFileSync(file, 'utf8').split('\n'), udpSize ? Number(udpSize) : undefined);
  const r = await runLoad({ port: Number(port), queries, qps: Number(qps), durationMs: Number(seconds) * 1000, sockets: 4, tickMs: 0 });
  // The first second warms up (JIT, caches): left out of the percentiles.
  const lat = allLatencies({ ...r, windows: r.windows.slice(1) });
  const out: LatencyResult = { sent: r.sent, answered: r.answered, p50: percentile(lat, 50), p99: percentile(lat, 99) };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
