// Loads a fixture into a ClusterStore and prints the load time and memory use:
//   node --expose-gc dist/bench/fixture-memory.js [--no-pods] .bench/fixture.json
// (`--no-pods`: as with `pods insecure|disabled`, where pods are not kept.)
// CoreDNS's sizing guide for comparison: (Pods + Services) / 1000 + 54 MB.

import { pino } from 'pino';
import { FixtureSource } from '../src/plugins/kubernetes/fixture.js';
import { ClusterStore } from '../src/plugins/kubernetes/store.js';

const args = process.argv.slice(2);
const pods = !args.includes('--no-pods');
const file = args.find((a) => !a.startsWith('--')) ?? '.bench/fixture.json';
const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;
const log = pino({ level: 'warn' });
const store = new ClusterStore(log);
const started = performance.now();
const source = new FixtureSource(file, store, log, { pods });
await source.start();
const ms = performance.now() - started;
await source.stop();
const gc = (globalThis as { gc?: () => void }).gc;
const report = (when: string): void => {
  gc?.();
  const m = process.memoryUsage();
  console.log(`  ${when}: heapUsed ${mb(m.heapUsed)}, heapTotal ${mb(m.heapTotal)}, rss ${mb(m.rss)}`);
};
console.log(`${file}${pods ? '' : ' (no pods)'}: loaded in ${ms.toFixed(0)} ms, peak rss ${mb(process.resourceUsage().maxRSS * 1024)}` +
  (gc ? '' : ' (run with --expose-gc for settled numbers)'));
report('after load');
// V8 gives back the young generation it grew during the load once the process is idle.
await new Promise((r) => setTimeout(r, 5000));
report('after 5 s idle');
