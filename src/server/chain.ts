// Chains handlers in the fixed plugin order (Hono's compose, CoreDNS's NextOrFailure).

import { Rcode } from '../dns/constants.js';
import { DnsError } from '../errors.js';
import type { Handler, Next } from '../plugins/plugin.js';

/** The end of every chain: no plugin answered, so the server replies SERVFAIL. */
const endOfChain: Next = () => Promise.reject(new DnsError(Rcode.SERVFAIL, 'no plugin answered the query'));

export function compose(handlers: readonly Handler[]): Next {
  let next = endOfChain;
  for (let i = handlers.length - 1; i >= 0; i--) {
    const handler = handlers[i]!;
    const rest = next;
    next = (ctx, req) => handler.serve(ctx, req, rest);
  }
  return next;
}
