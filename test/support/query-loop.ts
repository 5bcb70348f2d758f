// A query loop for tests that change a running server under load (lameduck,
// reload): workers query over UDP and TCP, one query after the other, and every
// query is kept with when it was sent and what came back, so a test can say which
// failed and when answers changed.

import { rcodeName } from '../../src/dns/constants.js';
import { recordText, type Rec } from '../../src/dns/records.js';
import { query } from './dns.js';

export interface LoopQuery {
  readonly qname: string;
  readonly qtype: string;
}

export interface Outcome {
  readonly q: LoopQuery;
  readonly tcp: boolean;
  /** ms since the loop started. */
  readonly sentAt: number;
  /** "NOERROR 10.96.0.1", "NXDOMAIN", or the client error ("no answer for ..."). */
  readonly result: string;
  readonly ok: boolean;
}

export interface LoopSummary {
  readonly outcomes: readonly Outcome[];
  readonly failed: readonly Outcome[];
}

/** "RCODE data..." with the answer data sorted. */
function render(rcode: number, answer: readonly Rec[]): string {
  return [rcodeName(rcode), ...answer.map((r) => recordText(r).split(/\s+/).slice(4).join(' ')).sort()].join(' ');
}

export class QueryLoop {
  private readonly outcomes: Outcome[] = [];
  private running = true;
  private readonly workers: Promise<void>[];
  private readonly t0 = Date.now();

  /**
   * `workers` loops (half over TCP), each pausing `pauseMs` between queries; a
   * query is ok when it is answered and `ok(result)` holds (default: NOERROR).
   */
  constructor(port: number, queries: readonly LoopQuery[],
    private readonly opts: { workers?: number; pauseMs?: number; ok?: (result: string, q: LoopQuery) => boolean } = {}) {
    const n = opts.workers ?? 4;
    this.workers = Array.from({ length: n }, (_, i) => this.work(port, queries, i % 2 === 1, i));
  }

  /** ms since the loop started. */
  now(): number {
    return Date.now() - this.t0;
  }

  private async work(port: number, queries: readonly LoopQuery[], tcp: boolean, offset: number): Promise<void> {
    const ok = this.opts.ok ?? ((r: string) => r.startsWith('NOERROR'));
    for (let i = offset; this.running; i++) {
      const q = queries[i % queries.length]!;
      const sentAt = this.now();
      let result: string;
      try {
        const msg = await query(port, q.qname, q.qtype, { tcp, timeoutMs: 3000 });
        result = render(msg.rcode, msg.answer);
      } catch (err) {
        result = (err as Error).message;
      }
      this.outcomes.push({ q, tcp, sentAt, result, ok: ok(result, q) });
      await new Promise((r) => setTimeout(r, this.opts.pauseMs ?? 5));
    }
  }

  /** Outcomes so far. */
  get count(): number {
    return this.outcomes.length;
  }

  /** Stops sending; resolves once every query sent is answered or timed out. */
  async stop(): Promise<LoopSummary> {
    this.running = false;
    await Promise.all(this.workers);
    return { outcomes: this.outcomes, failed: this.outcomes.filter((o) => !o.ok) };
  }
}
