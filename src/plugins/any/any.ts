// RFC 8482: an ANY query gets one small synthesized record instead of every RRset
// of the name, so that kdns is no amplifier (a query of ~40 bytes never brings back kilobytes).

import { Type } from '../../dns/constants.js';
import { Response, type Request } from '../../dns/message.js';
import type { Answer, Ctx, Handler, Next } from '../plugin.js';

/** HINFO RDATA: CPU "RFC8482", OS "" (two character-strings), as RFC 8482 section 4.2 suggests. */
const HINFO_RFC8482 = Buffer.from([7, ...Buffer.from('RFC8482'), 0]);
/** RFC 8482 section 4.2: "a TTL of 8482 seconds". */
const TTL = 8482;

export class Any implements Handler {
  readonly name = 'any';

  serve(ctx: Ctx, req: Request, next: Next): Answer {
    if (req.qtype !== Type.ANY) return next(ctx, req);
    // Not authoritative, with the query's class, as CoreDNS's any plugin answers.
    const resp = new Response();
    resp.answer = [{ name: req.qname, ttl: TTL, class: req.qclass, type: Type.HINFO, data: HINFO_RFC8482 }];
    return resp;
  }
}
