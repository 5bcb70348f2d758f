// One upstream: its sockets, its health and the counters metrics read.
// Health (CoreDNS plugin/pkg/proxy): consecutive failures count up, any reply
// resets them; at max_fails the upstream is down. After a failure the upstream is
// probed (`. IN NS`, or the health_check domain) every health_check interval
// until it answers: then it is up again and the probing stops.

import { Type } from '../../dns/constants.js';
import type { Proto } from '../../dns/message.js';
import { buildQuery } from '../../dns/query.js';
import type { Logger } from '../../log.js';
import type { ForwardConfig, UpstreamAddress } from './config.js';
import type { ReplyCallback, Ticket } from './pending.js';
import { TcpPool } from './tcp.js';
import { UdpPool } from './udp.js';

/**
 * How long one attempt waits before forward also asks another upstream (the
 * first attempt keeps waiting too): 4 smoothed round trips, within these bounds.
 */
export const ATTEMPT_MIN_MS = 250;
export const ATTEMPT_MAX_MS = 1000;
const INITIAL_RTT_MS = 100;
/** A health probe that gets no reply in this time failed. */
export const HEALTH_TIMEOUT_MS = 1000;

export class Upstream {
  readonly udp: UdpPool;
  readonly tcp: TcpPool;
  /** Consecutive failures (queries and probes); 0 after any reply. */
  fails = 0;
  /** Counters for metrics: queries sent, attempts that failed, probes that failed. */
  requests = 0;
  failures = 0;
  healthcheckFailures = 0;
  /** Smoothed round-trip time of replies (ms). */
  srtt = INITIAL_RTT_MS;
  /** Called for every reply relayed from this upstream (metrics: duration by rcode); unset costs nothing. */
  observe: ((rcode: number, rttMs: number) => void) | undefined;
  private probeTimer: NodeJS.Timeout | undefined;
  private probe: Ticket | undefined;
  private closed = false;

  constructor(readonly addr: UpstreamAddress, private readonly cfg: ForwardConfig, private readonly log: Logger) {
    this.udp = new UdpPool(addr);
    this.tcp = new TcpPool(addr);
  }

  get label(): string {
    return this.addr.label;
  }

  /** Down after max_fails consecutive failures; never with max_fails 0. */
  get down(): boolean {
    return this.cfg.maxFails > 0 && this.fails >= this.cfg.maxFails;
  }

  attemptTimeout(): number {
    return Math.min(ATTEMPT_MAX_MS, Math.max(ATTEMPT_MIN_MS, 4 * this.srtt));
  }

  send(proto: Proto, query: Buffer, qEnd: number, cb: ReplyCallback): Ticket {
    this.requests++;
    return proto === 'tcp' ? this.tcp.send(query, qEnd, cb) : this.udp.send(query, qEnd, cb);
  }

  answered(rttMs: number): void {
    this.srtt += (rttMs - this.srtt) / 8;
    if (this.fails > 0) this.recovered();
  }

  failed(): void {
    this.failures++;
    if (this.cfg.maxFails === 0) return;
    this.addFailure();
    this.scheduleProbe();
  }

  /** Counts a consecutive failure; logs once when it makes the upstream down, whoever counted it. */
  private addFailure(): void {
    const wasDown = this.down;
    this.fails++;
    if (!wasDown && this.down) this.log.warn({ upstream: this.label }, `upstream ${this.label} is down`);
  }

  private recovered(): void {
    if (this.down) this.log.info({ upstream: this.label }, `upstream ${this.label} is up again`);
    this.fails = 0;
    clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  private scheduleProbe(): void {
    if (this.probeTimer !== undefined || this.probe !== undefined || this.closed) return;
    this.probeTimer = setTimeout(() => { this.probeTimer = undefined; this.runProbe(); }, this.cfg.healthCheck.intervalMs);
    this.probeTimer.unref();
  }

  /** One probe over the upstream's protocol (TCP with force_tcp); any reply, whatever its rcode, is health. */
  private runProbe(): void {
    if (this.fails === 0 || this.closed) return;
    const hc = this.cfg.healthCheck;
    const query = buildQuery(hc.domain, Type.NS, { rd: hc.recursionDesired });
    const sentAt = performance.now();
    const done = (err: Error | null): void => {
      clearTimeout(timer);
      this.probe = undefined;
      if (err === null) { this.answered(performance.now() - sentAt); return; }
      this.healthcheckFailures++;
      this.addFailure();
      this.scheduleProbe();
    };
    const timer = setTimeout(() => { this.probe?.cancel(); done(new Error('health check timed out')); }, HEALTH_TIMEOUT_MS);
    timer.unref();
    try {
      this.probe = (this.cfg.forceTcp ? this.tcp : this.udp).send(query, query.length, (err) => done(err));
    } catch (err) {
      done(err as Error);
    }
  }

  /** Closes idle sockets (called every `expire`). */
  sweep(): void {
    this.udp.sweep();
    this.tcp.sweep();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.probeTimer);
    this.probe?.cancel();
    this.udp.close();
    this.tcp.close();
  }
}
