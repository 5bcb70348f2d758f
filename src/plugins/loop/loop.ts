// Forwarding-loop detection (CoreDNS plugin/loop). At start the server sends
// itself one query, `<random>.<random>.<zone> HINFO`, as a client would: a real
// UDP query to its own port. Without a loop it comes back answered (whatever
// the rcode) and the plugin turns itself off. With a loop (forward to an
// upstream that is this server, directly or through others) the same question
// comes through this plugin again and again: at the third sighting the server
// stops with a message naming the upstreams, as CoreDNS does.
//
// Why a real UDP query rather than ctx.resolve: the listeners must be open for a
// loop to close at all (the forwarded copy arrives over the network), the probe
// then travels exactly as client queries do, and it needs no hook into the
// server: it is retried until the listener answers.

import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { Type } from '../../dns/constants.js';
import type { Request } from '../../dns/message.js';
import { buildQuery } from '../../dns/query.js';
import type { Logger } from '../../log.js';
import type { Answer, Ctx, Handler, Next } from '../plugin.js';

/** Sightings of the probe that mean a loop (CoreDNS: more than 2). */
const MAX_SIGHTINGS = 2;
/** One probe's wait for its reply, the pause before the next, and when to give up (CoreDNS's values). */
const PROBE_TIMEOUT_MS = 2000;
const PROBE_RETRY_MS = 1000;
const PROBE_FOR_MS = 30_000;

export interface LoopOptions {
  readonly zone: string;
  readonly port: number;
  /** The upstreams of the block, for the message ("127.0.0.53:53 (from /etc/resolv.conf)"). */
  readonly upstreams: () => string;
  /** What a loop does to the process: log and exit(1) in kdns, recorded in tests. */
  readonly fatal: (message: string) => void;
}

function randomLabel(): string {
  return String(randomInt(1, 2 ** 48));
}

export class Loop implements Handler {
  readonly name = 'loop';
  /** The probe's name, lower case. */
  readonly probeName: string;
  private sightings = 0;
  /** Off once the probe was answered or probing gave up: then every query just passes. */
  disabled = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: LoopOptions, private readonly log: Logger) {
    const zone = opts.zone === '.' ? '' : opts.zone;
    this.probeName = `${randomLabel()}.${randomLabel()}.${zone}`;
  }

  serve(ctx: Ctx, req: Request, next: Next): Answer {
    if (!this.disabled && req.qtype === Type.HINFO && req.lname === this.probeName && ++this.sightings > MAX_SIGHTINGS) {
      this.disabled = true;
      this.opts.fatal(this.message(req));
    }
    return next(ctx, req);
  }

  message(req: Request): string {
    const from = `${req.transport.remoteAddress.replace(/^::ffff:/, '')}:${req.transport.remotePort}`;
    const ups = this.opts.upstreams();
    return `Loop (${from} -> :${this.opts.port}) detected for zone "${this.opts.zone}", ` +
      `see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO ${this.probeName}"` +
      (ups === '' ? '' : `; this server block forwards to ${ups}: one of them sends queries back to this server ` +
        '(a loopback address such as 127.0.0.53 from the node\'s /etc/resolv.conf is this server itself in a pod)');
  }

  /** Probes until answered or PROBE_FOR_MS passed; returns at once (the server goes on starting). */
  start(): void {
    const until = Date.now() + PROBE_FOR_MS;
    const attempt = (): void => {
      if (this.stopped || this.disabled) return;
      if (Date.now() > until) {
        this.log.warn(`loop: no answer to the probe "HINFO ${this.probeName}" in ${PROBE_FOR_MS / 1000}s: loop detection is off`);
        this.disabled = true;
        return;
      }
      this.probeOnce().then((answered) => {
        if (answered) { this.disabled = true; return; }
        // A probe lost to a slow start or a slow upstream is not a loop: count afresh (CoreDNS resets too).
        this.sightings = 0;
        this.timer = setTimeout(attempt, PROBE_RETRY_MS);
      }, () => { this.timer = setTimeout(attempt, PROBE_RETRY_MS); });
    };
    attempt();
  }

  private probeOnce(): Promise<boolean> {
    return new Promise((resolve) => {
      const s = createSocket('udp4');
      const end = (answered: boolean): void => { clearTimeout(t); s.close(); resolve(answered); };
      const t = setTimeout(() => end(false), PROBE_TIMEOUT_MS);
      s.on('message', () => end(true));
      s.on('error', () => end(false));
      s.send(buildQuery(this.probeName, Type.HINFO, { id: randomInt(0, 0x10000) }), this.opts.port, '127.0.0.1');
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}
