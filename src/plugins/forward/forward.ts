// The forward Handler: relays queries in FROM (and not in `except`) to the
// upstreams, as bytes. The client's query goes out as it came, only its ID
// replaced (question case, flags and EDNS options untouched); the reply comes
// back as a relayed Response, which the server sends with the client's ID.

import { Rcode } from '../../dns/constants.js';
import type { Proto, Request, Response } from '../../dns/message.js';
import { isSubdomain } from '../../dns/names.js';
import { DnsError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { later } from '../../server/chain.js';
import type { Answer, Ctx, Handler, Next } from '../plugin.js';
import type { ForwardConfig } from './config.js';
import { Exchange, QUERY_BUDGET_MS } from './exchange.js';
import { Upstream } from './upstream.js';

export class Forward implements Handler {
  readonly name = 'forward';
  readonly upstreams: readonly Upstream[];
  /** Counters for metrics (coredns_forward_*): queries in flight, max_concurrent rejects, all-down fallbacks. */
  inflight = 0;
  maxConcurrentRejects = 0;
  healthcheckBroken = 0;
  private turn = 0;
  private drained: (() => void) | undefined;
  private readonly sweeper: NodeJS.Timeout;
  private readonly onAllDown = (): void => { this.healthcheckBroken++; };

  constructor(readonly cfg: ForwardConfig, log: Logger) {
    this.upstreams = cfg.to.map((addr) => new Upstream(addr, cfg, log));
    this.sweeper = setInterval(() => { for (const u of this.upstreams) u.sweep(); }, cfg.expireMs);
    this.sweeper.unref();
  }

  /** FROM covers the name and no `except` zone does. */
  matches(lname: string): boolean {
    if (!isSubdomain(lname, this.cfg.from)) return false;
    for (const z of this.cfg.except) if (isSubdomain(lname, z)) return false;
    return true;
  }

  serve(ctx: Ctx, req: Request, next: Next): Answer {
    if (!this.matches(req.lname)) return next(ctx, req);
    if (this.cfg.maxConcurrent > 0 && this.inflight >= this.cfg.maxConcurrent) {
      this.maxConcurrentRejects++;
      return Promise.reject(new DnsError(Rcode.REFUSED, 'forward: max_concurrent reached'));
    }
    this.inflight++;
    return new Promise<Response>((resolve, reject) => {
      new Exchange(this.cfg, this.order(), req.raw, req.questionEnd, this.protoFor(req), this.onAllDown, (resp) => {
        if (--this.inflight === 0) this.drained?.();
        if (resp === null) reject(new DnsError(Rcode.SERVFAIL, 'forward: no upstream answered in time'));
        // `next RCODE`: the rest of the chain (another forward) gets a go; without one, this reply stands.
        else if (this.cfg.next.has(resp.rcode)) resolve(later(() => next(ctx, req)).catch(() => resp));
        else resolve(resp);
      }).start();
    });
  }

  /** CoreDNS: the client's transport, unless force_tcp (TCP) or prefer_udp (UDP). */
  private protoFor(req: Request): Proto {
    if (this.cfg.forceTcp) return 'tcp';
    if (this.cfg.preferUdp) return 'udp';
    return req.transport.proto;
  }

  /** The upstreams in the order this query tries them. */
  private order(): readonly Upstream[] {
    const ups = this.upstreams;
    const n = ups.length;
    if (n === 1 || this.cfg.policy === 'sequential') return ups;
    if (this.cfg.policy === 'round_robin') {
      const start = this.turn;
      this.turn = (start + 1) % n;
      return [...ups.slice(start), ...ups.slice(0, start)];
    }
    const shuffled = ups.slice();
    for (let i = n - 1; i > 0; i--) {
      const j = (Math.random() * (i + 1)) | 0;
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    return shuffled;
  }

  /** Lets queries in flight finish (a reload replaces this instance while it answers), then closes the sockets. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    if (this.inflight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, QUERY_BUDGET_MS);
        this.drained = () => { clearTimeout(timer); resolve(); };
      });
    }
    for (const u of this.upstreams) u.close();
  }
}
