// Chains handlers in the fixed plugin order (Hono's compose, CoreDNS's NextOrFailure).

import { Rcode } from '../dns/constants.js';
import { DnsError } from '../errors.js';
import type { Ctx, Handler, Next } from '../plugins/plugin.js';

/**
 * What the chain writes into a query's context as it runs: the plugin entered
 * last, i.e. the one that answered without calling next (the `plugin` label of
 * coredns_dns_responses_total). One field store per plugin, nothing allocated.
 */
export interface Traced {
  plugin: string;
}

/** The end of every chain: no plugin answered, so the server replies SERVFAIL. */
const endOfChain: Next = () => Promise.reject(new DnsError(Rcode.SERVFAIL, 'no plugin answered the query'));

export function compose(handlers: readonly Handler[]): Next {
  let next = endOfChain;
  for (let i = handlers.length - 1; i >= 0; i--) {
    const handler = handlers[i]!;
    const name = handler.name;
    const rest = next;
    next = (ctx, req) => {
      (ctx as Ctx & Partial<Traced>).plugin = name;
      return handler.serve(ctx, req, rest);
    };
  }
  return next;
}
