// Worker entry of runLoadInWorker (test/support/load.ts).

import { parentPort, workerData } from 'node:worker_threads';
import { runLoad, type LoadOptions } from './load.js';

const opts = workerData as LoadOptions;
parentPort!.postMessage(await runLoad({ ...opts, queries: opts.queries.map((q) => Buffer.from(q)) }));
