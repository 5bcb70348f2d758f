// The contract every plugin follows (STYLE.md: CoreDNS's ServeDNS, Hono's compose).

import type { Line } from '../corefile/types.js';
import type { Request, Response } from '../dns/message.js';
import type { QueryMetrics } from '../metrics/dns.js';
import type { Instance } from '../server/instance.js';
import type { TcpLimits } from '../server/tcp.js';

/** Per-query context. */
export interface Ctx {
  /** The server block zone the query was routed to (lower-case FQDN). */
  readonly zone: string;
  /** The listener, as CoreDNS names it in metrics: "dns://:53". */
  readonly server: string;
  /**
   * Resolves a name through this server's whole chain, from the first plugin of
   * the block that serves it (CoreDNS's upstream lookups, e.g. an ExternalName target).
   * `depth` counts nested lookups; past 10 it answers SERVFAIL.
   */
  resolve(qname: string, qtype: number): Promise<Response>;
}

/**
 * A Response now, or one to come. A handler that answers from memory (a cluster
 * name, a cache hit) returns the Response itself: the server then replies in the
 * same turn, with no promise and no microtask on the way. Anything that waits
 * returns a promise (an async serve is fine).
 */
export type Answer = Response | Promise<Response>;

export type Next = (ctx: Ctx, req: Request) => Answer;

/**
 * Returning (or resolving to) a Response means "answered". Throwing (or rejecting
 * with) a DnsError means "not answered, the server replies with its rcode"; any
 * other exception is answered SERVFAIL. A handler that changes a response returned
 * by `next` clones it first; one that needs a promise of `next`'s answer uses
 * `later` (src/server/chain.ts), which also turns a synchronous throw into a rejection.
 */
export interface Handler {
  readonly name: string;
  serve(ctx: Ctx, req: Request, next: Next): Answer;
}

/** What setting up one directive produced. */
export interface PluginInstance {
  handler?: Handler;
  /** Called once the whole config is set up, before listeners open (bind HTTP ports, start watches). */
  start?(): Promise<void>;
  /**
   * Called when shutdown begins, while queries are still answered; the listeners
   * close once every such promise settles (health's lameduck).
   */
  lameduck?(): Promise<void>;
  /** Called on shutdown or when a reload replaces this config. */
  stop?(): Promise<void>;
  /** For the `ready` plugin: false until this plugin can answer (e.g. kubernetes before its first sync). */
  ready?(): boolean;
  /** Set by `prometheus`: the server counts the queries of this block in these metrics. */
  queryMetrics?: QueryMetrics;
  /** Set by `timeouts`: the TCP limits of this block's listeners. */
  tcpLimits?: Partial<TcpLimits>;
}

export interface SetupContext {
  /** The zones of the server block (lower-case FQDNs). */
  readonly zones: readonly string[];
  /** The block's port. */
  readonly port: number;
  readonly instance: Instance;
}

export interface Plugin {
  /** The Corefile directive, equal to the plugin's folder name. */
  readonly name: string;
  /** May appear more than once in a server block (CoreDNS: rewrite, hosts is not). */
  readonly repeatable?: boolean;
  /** Parses one directive line (with its block) and builds the instance; throws PluginSetupError. */
  setup(line: Line, ctx: SetupContext): PluginInstance | Promise<PluginInstance>;
}
