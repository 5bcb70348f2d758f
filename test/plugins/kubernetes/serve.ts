// Asking the kubernetes handler a question the way the server does: a parsed
// Request in, the encoded answer decoded again (so the wire form is what tests check).

import { Type } from '../../../src/dns/constants.js';
import { decodeMessage, type Message } from '../../../src/dns/decode.js';
import { encodeEmpty, encodeResponse } from '../../../src/dns/encode.js';
import { Response, type Request } from '../../../src/dns/message.js';
import { makeRequest } from '../../../src/dns/query.js';
import type { Rec } from '../../../src/dns/records.js';
import { DnsError } from '../../../src/errors.js';
import { KubernetesHandler } from '../../../src/plugins/kubernetes/handler.js';
import type { ClusterView } from '../../../src/plugins/kubernetes/objects.js';
import { parse } from '../../../src/plugins/kubernetes/setup.js';
import type { Ctx, Handler, Next } from '../../../src/plugins/plugin.js';
import { qtypeOf } from '../../support/dns.js';
import { line } from '../../support/lines.js';
import { OWN_IPS } from './cluster.js';

/** What the "upstream" (ctx.resolve) knows: ext.interwebs.test has an A record with its own TTL. */
export const UPSTREAM_A = 'ext.interwebs.test. 300 IN A 192.0.2.10';

/** A ctx whose resolve answers ext.interwebs.test A, and SERVFAIL for anything else; counts calls. */
export function upstreamCtx(): Ctx & { calls: number } {
  const ctx = {
    zone: '.',
    server: 'dns://:53',
    calls: 0,
    resolve(qname: string, qtype: number): Promise<Response> {
      ctx.calls++;
      if (qname === 'ext.interwebs.test.' && qtype === Type.A) {
        const r = new Response();
        r.answer = [{ name: 'ext.interwebs.test.', ttl: 300, type: Type.A, address: '192.0.2.10' }];
        return Promise.resolve(r);
      }
      return Promise.resolve(new Response(2));
    },
  };
  return ctx;
}

/** The next plugin in the tests: answers `<qname> 0 IN TXT "next"`, so falling through shows. */
export const toNext: Next = (_ctx, req) => {
  const r = new Response();
  const rec: Rec = { name: req.qname, ttl: 0, type: Type.TXT, text: ['next'] };
  r.answer = [rec];
  return Promise.resolve(r);
};

/** A handler set up from a directive's text (server block zone "."). */
export function handlerFor(directive: string, view: ClusterView, ownIPs: readonly string[] = OWN_IPS): KubernetesHandler {
  return new KubernetesHandler(parse(line(directive), ['.']), view, ownIPs);
}

/** The wire answer to `req`: the handler's Response encoded, or the rcode of a DnsError it threw. */
export async function answerWire(h: Handler, req: Request, ctx: Ctx = upstreamCtx(), next: Next = toNext): Promise<Buffer> {
  try {
    return encodeResponse(await h.serve(ctx, req, next), req);
  } catch (err) {
    if (err instanceof DnsError) return encodeEmpty(req, err.rcode);
    throw err;
  }
}

export async function ask(h: Handler, qname: string, qtype: string, ctx?: Ctx, next?: Next): Promise<Message> {
  return decodeMessage(await answerWire(h, makeRequest(qname, qtypeOf(qtype)), ctx, next));
}
