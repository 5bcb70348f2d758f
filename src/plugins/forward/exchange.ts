// One client query relayed upstream, within a deadline (QUERY_BUDGET_MS).
//
// Upstreams are tried in the policy's order, skipping those that are down (all
// down: a random one, as CoreDNS, unless failfast_all_unhealthy_upstreams). An
// attempt that fails at once (connection refused, closed) moves on to the next
// upstream at once; when every upstream has failed so, the client gets SERVFAIL
// right away. An attempt that is slow is not abandoned: after its timeout
// another attempt starts (the next upstream, or the same one again) and the
// first reply from any of them wins. At the deadline: SERVFAIL. A UDP reply with
// TC=1 is asked again over TCP, on the same upstream.

import { Response, type Proto } from '../../dns/message.js';
import type { ForwardConfig } from './config.js';
import { ClosedError, type Ticket } from './pending.js';
import type { Upstream } from './upstream.js';

/** The whole time a client waits at most (see README: why 2 s, not CoreDNS's 5 s). */
export const QUERY_BUDGET_MS = 2000;

const TC = 0x0200;

interface Attempt {
  readonly up: Upstream;
  readonly proto: Proto;
  readonly sentAt: number;
  ticket: Ticket | undefined;
  /** Its timeout passed without a reply: a failure unless the reply still comes. */
  late: boolean;
}

/** What the exchange reports to forward: a reply, or null for SERVFAIL. */
export type Done = (resp: Response | null) => void;

export class Exchange {
  private readonly outstanding: Attempt[] = [];
  private readonly deadline: number;
  private pos = 0;
  private tried = 0;
  private retriedClosed = false;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;
  /** A reply to fall back on if nothing better comes: truncated (TC=1), or with a `failover` rcode. */
  private fallback: Response | undefined;

  constructor(private readonly cfg: ForwardConfig, private readonly order: readonly Upstream[],
    private readonly query: Buffer, private readonly qEnd: number, private readonly proto: Proto,
    private readonly onAllDown: () => void, private readonly done: Done) {
    this.deadline = performance.now() + QUERY_BUDGET_MS;
  }

  start(): void {
    this.next();
  }

  /** The next upstream in order that is not down; all down: a random one, or null with failfast. */
  private pick(): Upstream | null {
    const n = this.order.length;
    for (let k = 0; k < n; k++) {
      const up = this.order[(this.pos + k) % n]!;
      if (!up.down) {
        this.pos = (this.pos + k + 1) % n;
        return up;
      }
    }
    if (this.cfg.failfastAllUnhealthy) return null;
    this.onAllDown();
    return this.order[(Math.random() * n) | 0]!;
  }

  private next(): void {
    const up = this.pick();
    if (up === null) {
      if (this.outstanding.length === 0) this.finish(null);
      return;
    }
    this.tried++;
    this.launch(up, this.proto);
    this.arm(up);
  }

  private launch(up: Upstream, proto: Proto): void {
    const a: Attempt = { up, proto, sentAt: performance.now(), ticket: undefined, late: false };
    this.outstanding.push(a);
    try {
      a.ticket = up.send(proto, this.query, this.qEnd, (err, reply) => {
        if (err !== null) this.onError(a, err);
        else this.onReply(a, reply!);
      });
    } catch (err) {
      this.onError(a, err as Error);
    }
  }

  /** The timer for the newest attempt, never past the deadline. */
  private arm(up: Upstream): void {
    clearTimeout(this.timer);
    const left = this.deadline - performance.now();
    this.timer = setTimeout(() => this.onTimeout(), Math.max(0, Math.min(up.attemptTimeout(), left)));
  }

  private onTimeout(): void {
    if (this.finished) return;
    for (const a of this.outstanding) a.late = true;
    if (performance.now() >= this.deadline) { this.finish(this.fallback ?? null); return; }
    this.next();
  }

  private drop(a: Attempt): void {
    const i = this.outstanding.indexOf(a);
    if (i >= 0) this.outstanding.splice(i, 1);
  }

  private onError(a: Attempt, err: Error): void {
    if (this.finished) return;
    this.drop(a);
    // An idle connection the upstream closed just as we wrote: not its fault, try once more.
    if (err instanceof ClosedError && err.reused && !this.retriedClosed) {
      this.retriedClosed = true;
      this.launch(a.up, a.proto);
      return;
    }
    a.up.failed();
    if (this.tried < this.order.length) this.next();
    else if (this.outstanding.length === 0) this.finish(this.fallback ?? null);
  }

  private onReply(a: Attempt, reply: Buffer): void {
    if (this.finished) return;
    this.drop(a);
    const rtt = performance.now() - a.sentAt;
    let resp: Response;
    try {
      resp = Response.relay(reply);
    } catch (err) {
      this.onError(a, err as Error);
      return;
    }
    a.up.answered(rtt);
    a.up.observe?.(resp.rcode, rtt);
    if (a.proto === 'udp' && (reply.readUInt16BE(2) & TC) !== 0) {
      // The whole answer over TCP; should that fail, the truncated one beats SERVFAIL (the client can retry).
      this.fallback ??= resp;
      this.launch(a.up, 'tcp');
      return;
    }
    if (this.cfg.failover.has(resp.rcode)) {
      this.fallback = resp;
      if (this.tried < this.order.length) { this.next(); return; }
    }
    this.finish(resp);
  }

  private finish(resp: Response | null): void {
    this.finished = true;
    clearTimeout(this.timer);
    for (const a of this.outstanding) {
      a.ticket?.cancel();
      if (a.late) a.up.failed();
    }
    this.outstanding.length = 0;
    this.done(resp);
  }
}
