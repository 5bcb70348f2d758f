// Chains handlers in the fixed plugin order (Hono's compose, CoreDNS's NextOrFailure).

import { Rcode } from '../dns/constants.js';
import { DnsError } from '../errors.js';
import { Response } from '../dns/message.js';
import type { Answer, Ctx, Handler, Next } from '../plugins/plugin.js';

/**
 * What the chain writes into a query's context as it runs: the plugin entered
 * last, i.e. the one that answered without calling next (the `plugin` label of
 * coredns_dns_responses_total). One field store per plugin, nothing allocated.
 */
export interface Traced {
  plugin: string;
}

/** The end of every chain: no plugin answered, so the server replies SERVFAIL. */
const endOfChain: Next = () => {
  throw new DnsError(Rcode.SERVFAIL, 'no plugin answered the query');
};

const rethrow = (err: unknown): never => {
  throw err;
};

/**
 * For a plugin that wraps the rest of the chain: `ok` on the answer of `answer()`,
 * `failed` on its error, thrown now or rejected later. Both run now when the answer
 * is here, so an answer from memory stays synchronous.
 */
export function mapAnswer(answer: () => Answer, ok: (resp: Response) => Response,
  failed: (err: unknown) => never = rethrow): Answer {
  let a: Answer;
  try {
    a = answer();
  } catch (err) {
    return failed(err);
  }
  return a instanceof Response ? ok(a) : a.then(ok, failed);
}

/** `answer()` as a promise: for code that chains on an answer, which may come now, later, or be thrown. */
export function later(answer: () => Answer): Promise<Response> {
  try {
    return Promise.resolve(answer());
  } catch (err) {
    return Promise.reject(err);
  }
}

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
