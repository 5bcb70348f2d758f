// Load shedding for a UDP listener, so that one client's flood cannot crowd out the
// others. The kernel drops datagrams when the socket buffer is full, whoever sent
// them; kdns's only defence is to read faster than they arrive. Under saturation
// (the event loop busy past HIGH in a window) the heaviest sources get a budget of
// queries per window, and their packets beyond it are dropped on arrival, before
// parsing, which costs a fraction of answering them. The budget shrinks while the
// loop stays saturated and grows back when it is not (AIMD); light sources are
// never limited. Without a flood nothing is limited and a packet costs one Map update.

import { performance, type EventLoopUtilization } from 'node:perf_hooks';

const WINDOW_MS = 100;
/** Event loop utilisation above which the heavy sources' budget shrinks, and below which it grows. */
const HIGH = 0.85;
const LOW = 0.6;
/** A source is heavy when it sent more than this share of a window's packets (and at least MIN_HEAVY). */
const HEAVY_SHARE = 0.1;
const MIN_HEAVY = 50;

/** Tells when shedding starts (with the sources it limits) and when it stops. */
export type ShedListener = (sources: readonly string[] | null) => void;

export class Shedder {
  private counts = new Map<string, number>();
  private total = 0;
  /** Packets per window a heavy source may send; Infinity when not shedding. */
  private budget = Infinity;
  private heavy = new Set<string>();
  private readonly timer: NodeJS.Timeout | undefined;
  /** Packets dropped so far. */
  dropped = 0;

  /**
   * `utilization` gives the share of the last window the event loop was busy (0..1);
   * by default measured, and a timer rolls the windows. A test passes its own and calls roll().
   */
  private readonly utilization: () => number;

  constructor(private readonly onChange: ShedListener, utilization?: () => number) {
    if (utilization) {
      this.utilization = utilization;
    } else {
      this.utilization = eventLoopBusy();
      this.timer = setInterval(() => this.roll(), WINDOW_MS).unref();
    }
  }

  /** Counts a packet from `source`; false when it is to be dropped. */
  admit(source: string): boolean {
    const n = (this.counts.get(source) ?? 0) + 1;
    this.counts.set(source, n);
    this.total++;
    if (n <= this.budget || !this.heavy.has(source)) return true;
    this.dropped++;
    return false;
  }

  /**
   * Ends a window: sets the budget of the next one from this one's load. Shedding
   * protects light sources from heavy ones, so it starts only when both are there: a
   * server saturated by one client (a benchmark, a node-local cache) sheds nothing.
   * Dropping in user space still pays for receiving the packet, so cutting deeper
   * frees little: a heavy source keeps at least half of what it sends.
   */
  roll(): void {
    const used = this.utilization();
    const heavy = new Set<string>();
    let heavyCount = 0;
    for (const [source, n] of this.counts) {
      if (n >= MIN_HEAVY && n > HEAVY_SHARE * this.total) { heavy.add(source); heavyCount += n; }
    }
    const was = this.budget !== Infinity;
    const light = this.total - heavyCount;
    if (used > HIGH && heavy.size > 0 && (was || light > 0)) {
      // Start from what the heavy sources sent, then keep cutting while the loop stays saturated.
      const sent = heavyCount / heavy.size;
      const current = was ? this.budget : sent;
      this.budget = Math.max(MIN_HEAVY, Math.ceil(sent / 2), Math.floor((current * 7) / 10));
    } else if (was && used < LOW) {
      this.budget = (this.budget * 5) / 4 > this.total ? Infinity : Math.ceil((this.budget * 5) / 4);
    }
    const now = this.budget !== Infinity;
    this.heavy = now ? heavy : new Set();
    if (now !== was) this.onChange(now ? [...heavy] : null);
    this.counts = new Map();
    this.total = 0;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** The event loop's busy share since the previous call. */
function eventLoopBusy(): () => number {
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  return () => {
    const used = performance.eventLoopUtilization(last).utilization;
    last = performance.eventLoopUtilization();
    return used;
  };
}
