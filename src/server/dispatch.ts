// The per-query path shared by UDP and TCP: parse -> route -> chain -> encode.

import { Rcode } from '../dns/constants.js';
import { encodeBadVersion, encodeEmpty, encodeResponse, fitUdp } from '../dns/encode.js';
import { parseQuery, Rejected, Response, type Request, type Transport } from '../dns/message.js';
import { makeRequest } from '../dns/query.js';
import { DnsError, rcodeOf } from '../errors.js';
import type { Logger } from '../log.js';
import type { Ctx, Next } from '../plugins/plugin.js';
import { Router } from './router.js';

/** How deep ctx.resolve may nest (CNAME chains through the server's own chain). */
const MAX_RESOLVE_DEPTH = 10;

export interface Route {
  readonly zone: string;
  readonly chain: Next;
}

class QueryCtx implements Ctx {
  constructor(readonly zone: string, readonly server: string, private readonly dispatcher: Dispatcher,
    private readonly depth: number) {}

  resolve(qname: string, qtype: number): Promise<Response> {
    if (this.depth >= MAX_RESOLVE_DEPTH) return Promise.resolve(new Response(Rcode.SERVFAIL));
    return this.dispatcher.resolve(qname, qtype, this.depth + 1);
  }
}

export class Dispatcher {
  private readonly router = new Router<{ route: Route; ctx: QueryCtx }>();
  /** Queries being answered now; shutdown waits for this to reach zero. */
  inflight = 0;
  private drained: (() => void) | undefined;

  constructor(readonly server: string, routes: readonly Route[], private readonly log: Logger) {
    for (const route of routes) {
      this.router.add(route.zone, { route, ctx: new QueryCtx(route.zone, server, this, 0) });
    }
  }

  /**
   * Answers one packet: `send` gets the reply bytes, now or later. Returns false
   * for a packet that gets no reply at all (a runt, a response). Never throws.
   */
  handle(raw: Buffer, transport: Transport, send: (reply: Buffer) => void): boolean {
    const parsed = parseQuery(raw, transport);
    if (parsed instanceof Rejected) {
      if (parsed.reply) send(parsed.reply);
      return parsed.reply !== null;
    }
    const req = parsed;
    if (req.edns && req.edns.version !== 0) { send(encodeBadVersion(req)); return true; }
    const hit = this.router.match(req.lname);
    if (!hit) { send(encodeEmpty(req, Rcode.REFUSED)); return true; }
    this.inflight++;
    hit.route.chain(hit.ctx, req).then(
      (resp) => this.finish(req, send, resp),
      (err: unknown) => this.fail(req, send, err),
    );
    return true;
  }

  private finish(req: Request, send: (reply: Buffer) => void, resp: Response): void {
    let wire: Buffer;
    try {
      wire = encodeResponse(resp, req);
    } catch (err) {
      this.log.error({ err, qname: req.qname }, 'cannot encode the answer');
      wire = encodeEmpty(req, Rcode.SERVFAIL);
    }
    this.reply(req, send, wire);
  }

  private fail(req: Request, send: (reply: Buffer) => void, err: unknown): void {
    if (!(err instanceof DnsError)) this.log.debug({ err, qname: req.qname }, 'plugin failed');
    this.reply(req, send, encodeEmpty(req, rcodeOf(err)));
  }

  private reply(req: Request, send: (reply: Buffer) => void, wire: Buffer): void {
    try {
      send(req.transport.proto === 'udp' ? fitUdp(wire, req) : wire);
    } catch (err) {
      this.log.warn({ err }, 'cannot send the answer');
    }
    if (--this.inflight === 0 && this.drained) this.drained();
  }

  /** An internal query through this listener's chains (ctx.resolve). */
  async resolve(qname: string, qtype: number, depth: number): Promise<Response> {
    const req = makeRequest(qname, qtype);
    const hit = this.router.match(req.lname);
    if (!hit) return new Response(Rcode.REFUSED);
    const ctx = new QueryCtx(hit.route.zone, this.server, this, depth);
    try {
      return await hit.route.chain(ctx, req);
    } catch (err) {
      return new Response(rcodeOf(err));
    }
  }

  /** Resolves when no query is in flight any more. */
  drain(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => { this.drained = resolve; });
  }
}
