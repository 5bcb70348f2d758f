// An open-loop UDP load generator: sends prebuilt queries at a target rate (or as
// fast as it can), matches replies by ID and records, per second, how many were
// sent, answered and lost and how long the answers took. For the abuse and soak
// tests and bench/soak.ts; runLoadInWorker keeps a flood off the caller's event loop.

import { createSocket, type Socket } from 'node:dgram';
import { Worker } from 'node:worker_threads';

export interface LoadOptions {
  readonly port: number;
  /** Queries to send in turn (the ID bytes are overwritten). */
  readonly queries: readonly Buffer[];
  /** Target rate; 0 sends as fast as the sockets take them. */
  readonly qps: number;
  readonly durationMs: number;
  readonly host?: string;
  /** The source address (any 127.x.y.z works on Linux loopback: a client apart from others). */
  readonly source?: string;
  /** Source sockets (ports); each keeps its own ID space. */
  readonly sockets?: number;
  /** How long after the last query replies are still waited for. */
  readonly drainMs?: number;
}

export interface Window {
  /** Seconds since the start. */
  readonly second: number;
  sent: number;
  answered: number;
  /** Answer times of the queries sent in this second and answered, ms. */
  readonly latencies: number[];
}

export interface LoadResult {
  readonly sent: number;
  readonly answered: number;
  /** Answers by rcode number. */
  readonly rcodes: Record<number, number>;
  readonly windows: Window[];
  readonly elapsedMs: number;
}

/** The p-th percentile (0..100) of `values`, or NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function allLatencies(r: LoadResult): number[] {
  return r.windows.flatMap((w) => w.latencies);
}

interface Outstanding { readonly sentAt: number; readonly window: Window }

interface Source { readonly s: Socket; next: number; readonly out: Map<number, Outstanding> }

const TICK_MS = 2;
/** Queries sent per turn of the event loop when there is no target rate. */
const BURST = 64;

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const host = opts.host ?? '127.0.0.1';
  const windows: Window[] = [];
  const rcodes: Record<number, number> = {};
  const sources: Source[] = [];
  let sent = 0, answered = 0;
  const t0 = performance.now();
  const windowAt = (now: number): Window => {
    const second = Math.floor((now - t0) / 1000);
    while (windows.length <= second) windows.push({ second: windows.length, sent: 0, answered: 0, latencies: [] });
    return windows[second]!;
  };
  for (let i = 0; i < (opts.sockets ?? 4); i++) {
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve) => s.bind(0, opts.source, resolve));
    const src: Source = { s, next: 0, out: new Map() };
    s.on('message', (m) => {
      const id = m.length >= 12 ? m.readUInt16BE(0) : -1;
      const o = src.out.get(id);
      if (!o) return;
      src.out.delete(id);
      answered++;
      o.window.answered++;
      o.window.latencies.push(performance.now() - o.sentAt);
      rcodes[m[3]! & 0xf] = (rcodes[m[3]! & 0xf] ?? 0) + 1;
    });
    s.on('error', () => undefined);
    sources.push(src);
  }
  const sendOne = (): void => {
    const src = sources[sent % sources.length]!;
    const q = Buffer.from(opts.queries[sent % opts.queries.length]!);
    const id = src.next;
    src.next = (id + 1) & 0xffff;
    q.writeUInt16BE(id, 0);
    const now = performance.now();
    const w = windowAt(now);
    src.out.set(id, { sentAt: now, window: w });
    w.sent++;
    sent++;
    src.s.send(q, opts.port, host);
  };
  for (;;) {
    const elapsed = performance.now() - t0;
    if (elapsed >= opts.durationMs) break;
    if (opts.qps > 0) {
      const due = Math.floor((elapsed / 1000) * opts.qps);
      while (sent < due) sendOne();
      await pause(TICK_MS);
    } else {
      for (let i = 0; i < BURST; i++) sendOne();
      await new Promise((r) => setImmediate(r));
    }
  }
  const end = performance.now() + (opts.drainMs ?? 2000);
  while (performance.now() < end && sources.some((src) => src.out.size > 0)) await pause(20);
  const elapsedMs = performance.now() - t0;
  for (const src of sources) src.s.close();
  return { sent, answered, rcodes, windows, elapsedMs };
}

/** runLoad on a worker thread, so that a flood does not stall the caller's own timing. */
export function runLoadInWorker(opts: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: opts });
    w.once('message', (r: LoadResult) => resolve(r));
    w.once('error', reject);
  });
}
