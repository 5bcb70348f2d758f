// Loads a fixture into a ClusterStore and prints the load time and memory use:
//   node --expose-gc dist/bench/fixture-memory.js .bench/fixture.json
// (CoreDNS's guide for its own memory: (Pods + Services) / 1000 + 54 MB.)

import { pino } from 'pino';
import { FixtureSource } from '../src/plugins/kubernetes/fixture.js';
import { ClusterStore } from '../src/plugins/kubernetes/store.js';

const file = process.argv[2] ?? '.bench/fixture.json';
const mb = (n: number): string => `${(n / 1048576).toFixed(1)} MB`;
const log = pino({ level: 'warn' });
const store = new ClusterStore(log);
const started = performance.now();
const source = new FixtureSource(file, store, log);
await source.start();
const ms = performance.now() - started;
await source.stop();
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const m = process.memoryUsage();
console.log(`${file}: loaded in ${ms.toFixed(0)} ms; version ${store.version}; ` +
  `heapUsed ${mb(m.heapUsed)}, heapTotal ${mb(m.heapTotal)}, rss ${mb(m.rss)}${gc ? ' (after gc)' : ' (run with --expose-gc for settled numbers)'}`);
