// `-workers N`: N processes serving the same sockets, to use more than one core.
// The primary only supervises: it forks the workers (each one runs the whole server,
// plugins and cluster state included), and node:cluster shares their listeners:
// the UDP socket is one handle every worker reads (Node 20 has no reusePort for
// dgram), TCP and HTTP connections are accepted by the primary and handed round-robin.

import cluster, { type Worker } from 'node:cluster';
import { rootLogger } from './log.js';

/** What a worker sends the primary once it serves. */
export const SERVING = 'kdns:serving';

/** In a worker: tells the primary it serves. */
export function announceServing(): void {
  if (cluster.isWorker) process.send?.(SERVING);
}

/**
 * Runs the primary: forks `count` workers, and exits as they do. A worker that fails
 * before every worker serves (a Corefile error, a port in use) stops the others and
 * the primary exits with its code. A worker that dies later is replaced. SIGTERM and
 * SIGINT stop the workers (each shuts down gracefully) and the primary exits 0 once
 * all have exited 0; SIGUSR1 (reload) is passed on.
 */
export function runPrimary(count: number): void {
  let serving = 0;
  let stopping = false;
  let exitCode = 0;
  const live = new Set<Worker>();

  const fork = (): void => {
    const w = cluster.fork();
    live.add(w);
    w.on('message', (m: unknown) => {
      if (m !== SERVING) return;
      serving++;
      if (serving === count) rootLogger.info({ workers: count }, `all ${count} workers serving`);
    });
    w.on('exit', (code, signal) => {
      live.delete(w);
      if (!stopping && serving >= count) {
        rootLogger.error({ pid: w.process.pid, code, signal }, 'worker died: starting another');
        serving--;
        fork();
        return;
      }
      if ((code !== 0 || signal !== null) && exitCode === 0) exitCode = code || 1;
      // Before all serve, a worker's failure is a start-up failure: it said why on stderr.
      if (!stopping) stop(null);
      if (live.size === 0) process.exit(exitCode);
    });
  };

  const stop = (signal: NodeJS.Signals | null): void => {
    if (stopping) return;
    stopping = true;
    if (signal) rootLogger.info({ signal }, 'shutting down the workers');
    for (const w of live) w.process.kill(signal ?? 'SIGTERM');
  };

  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGUSR1', () => { for (const w of live) w.process.kill('SIGUSR1'); });
  for (let i = 0; i < count; i++) fork();
}
