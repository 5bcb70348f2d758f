// The per-query path shared by UDP and TCP: parse -> route -> chain -> encode,
// and the per-query metrics of the blocks that enable `prometheus`.

import { performance } from 'node:perf_hooks';
import { Rcode } from '../dns/constants.js';
import { encodeBadVersion, encodeEmpty, encodeResponse, fitUdp } from '../dns/encode.js';
import { parseQuery, Rejected, Response, type Request, type Transport } from '../dns/message.js';
import { makeRequest } from '../dns/query.js';
import { DnsError, DropError, rcodeOf } from '../errors.js';
import type { Logger } from '../log.js';
import { DROPPED, type QueryMetrics, type ZoneMetrics } from '../metrics/dns.js';
import type { CounterSeries } from '../metrics/metric.js';
import type { Answer, Ctx, Next } from '../plugins/plugin.js';
import type { Traced } from './chain.js';
import { Router } from './router.js';
import { mergeLimits, type TcpLimits } from './tcp.js';

/** How deep ctx.resolve may nest (CNAME chains through the server's own chain). */
const MAX_RESOLVE_DEPTH = 10;

export interface Route {
  readonly zone: string;
  readonly chain: Next;
  /** The block's plugins that take part in queries (coredns_plugin_enabled). */
  readonly plugins: readonly string[];
  /** Set when the block enables `prometheus`: its queries are counted there. */
  readonly metrics?: QueryMetrics;
  /** Set by the block's `timeouts`. */
  readonly tcpLimits?: Partial<TcpLimits>;
}

/** What `send` gets for a query that has no reply at all (a plugin threw DropError). */
export const NO_REPLY = Buffer.alloc(0);

/** One query's context: per query, because the chain writes into it which plugin it reached. */
class QueryCtx implements Ctx, Traced {
  plugin = '';

  constructor(readonly zone: string, readonly server: string, private readonly dispatcher: Dispatcher,
    private readonly depth: number) {}

  resolve(qname: string, qtype: number): Promise<Response> {
    if (this.depth >= MAX_RESOLVE_DEPTH) return Promise.resolve(new Response(Rcode.SERVFAIL));
    return this.dispatcher.resolve(qname, qtype, this.depth + 1);
  }
}

interface Bound {
  readonly route: Route;
  readonly metrics: ZoneMetrics | undefined;
}

/**
 * The routes of one config on one listener. A reload swaps in a new table; the
 * queries the old one holds finish through its chains, and it reports when none is left.
 */
class Table {
  readonly router = new Router<Bound>();
  /** Where queries no block serves are counted (zone "dropped"), when some block enables prometheus. */
  readonly dropped: ZoneMetrics | undefined;
  readonly panics: CounterSeries | undefined;
  readonly tcpLimits: TcpLimits;
  inflight = 0;
  private idle: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(server: string, readonly routes: readonly Route[]) {
    let metrics: QueryMetrics | undefined;
    for (const route of routes) {
      this.router.add(route.zone, { route, metrics: route.metrics?.zone(server, route.zone) });
      metrics ??= route.metrics;
    }
    this.dropped = metrics?.zone(server, DROPPED);
    this.panics = metrics?.panics;
    this.tcpLimits = mergeLimits(routes.map((r) => r.tcpLimits));
  }

  done(): void {
    if (--this.inflight > 0 || !this.wake) return;
    this.wake();
    this.idle = this.wake = undefined;
  }

  /** Resolves when no query is in flight in this table. */
  drained(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return (this.idle ??= new Promise((resolve) => { this.wake = resolve; }));
  }
}

export class Dispatcher {
  private table: Table;

  constructor(readonly server: string, routes: readonly Route[], private readonly log: Logger) {
    this.table = new Table(server, routes);
  }

  get routes(): readonly Route[] {
    return this.table.routes;
  }

  /** The TCP limits of the config in effect, for the connections accepted from now on. */
  get tcpLimits(): TcpLimits {
    return this.table.tcpLimits;
  }

  /**
   * Answers one packet: `send` gets the reply bytes, now or later, or NO_REPLY (empty)
   * for a query a plugin drops. Returns false for a packet that gets no reply at all
   * and no `send` (a runt, a response). Never throws.
   */
  handle(raw: Buffer, transport: Transport, send: (reply: Buffer) => void): boolean {
    const parsed = parseQuery(raw, transport);
    if (parsed instanceof Rejected) {
      if (parsed.reply) send(parsed.reply);
      return parsed.reply !== null;
    }
    const req = parsed;
    if (req.edns && req.edns.version !== 0) { send(encodeBadVersion(req)); return true; }
    const table = this.table;
    const hit = table.router.match(req.lname);
    table.inflight++;
    if (!hit) {
      this.reply(table, table.dropped, req, send, encodeEmpty(req, Rcode.REFUSED), '', table.dropped ? performance.now() : 0);
      return true;
    }
    const { metrics } = hit;
    const start = metrics ? performance.now() : 0;
    const ctx = new QueryCtx(hit.route.zone, this.server, this, 0);
    let answer: Answer;
    try {
      answer = hit.route.chain(ctx, req);
    } catch (err) {
      this.fail(table, metrics, req, send, ctx, start, err);
      return true;
    }
    // An answer from memory is sent in this turn; only one that waits goes through a promise.
    if (answer instanceof Response) this.reply(table, metrics, req, send, this.encode(req, answer), ctx.plugin, start);
    else {
      answer.then(
        (resp) => this.reply(table, metrics, req, send, this.encode(req, resp), ctx.plugin, start),
        (err: unknown) => this.fail(table, metrics, req, send, ctx, start, err),
      );
    }
    return true;
  }

  /** The chain threw: no reply for a DropError, else the error's rcode (SERVFAIL for a plugin's bug). */
  private fail(table: Table, metrics: ZoneMetrics | undefined, req: Request, send: (reply: Buffer) => void,
    ctx: QueryCtx, start: number, err: unknown): void {
    if (err instanceof DropError) { this.reply(table, metrics, req, send, NO_REPLY, ctx.plugin, start); return; }
    if (!(err instanceof DnsError)) {
      this.log.debug({ err, qname: req.qname }, 'plugin failed');
      table.panics?.inc();
    }
    this.reply(table, metrics, req, send, encodeEmpty(req, rcodeOf(err)), '', start);
  }

  private encode(req: Request, resp: Response): Buffer {
    try {
      return encodeResponse(resp, req);
    } catch (err) {
      this.log.error({ err, qname: req.qname }, 'cannot encode the answer');
      return encodeEmpty(req, Rcode.SERVFAIL);
    }
  }

  /** Sends, and counts the reply as sent (after truncation) under the plugin that wrote it ('' for the server). */
  private reply(table: Table, metrics: ZoneMetrics | undefined, req: Request, send: (reply: Buffer) => void,
    wire: Buffer, plugin: string, start: number): void {
    let out = wire;
    try {
      if (req.transport.proto === 'udp') out = fitUdp(wire, req);
      send(out);
    } catch (err) {
      this.log.warn({ err }, 'cannot send the answer');
    }
    // A dropped query counts as NOERROR of size 0, as CoreDNS's recorder reports a handler that wrote nothing.
    metrics?.record(req, out.length, out.length > 0 ? out[3]! & 0xf : Rcode.NOERROR, plugin, (performance.now() - start) / 1000);
    table.done();
  }

  /** An internal query through this listener's chains (ctx.resolve). */
  async resolve(qname: string, qtype: number, depth: number): Promise<Response> {
    const req = makeRequest(qname, qtype);
    const hit = this.table.router.match(req.lname);
    if (!hit) return new Response(Rcode.REFUSED);
    const ctx = new QueryCtx(hit.route.zone, this.server, this, depth);
    try {
      return await hit.route.chain(ctx, req);
    } catch (err) {
      return new Response(rcodeOf(err));
    }
  }

  /**
   * Serves new queries with `routes` from now on (a reload). Resolves once the
   * queries the old routes were answering are done.
   */
  swap(routes: readonly Route[]): Promise<void> {
    const old = this.table;
    this.table = new Table(this.server, routes);
    return old.drained();
  }

  /** Resolves when no query is in flight any more. */
  drain(): Promise<void> {
    return this.table.drained();
  }
}
