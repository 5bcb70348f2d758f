// Answers with what the server sees of the client: its address, port and transport.

import { Type } from '../../dns/constants.js';
import { unmapIPv4 } from '../../dns/ip.js';
import { Response, type Request } from '../../dns/message.js';
import type { Rec } from '../../dns/records.js';
import type { Ctx, Handler, Next } from '../plugin.js';

export class Whoami implements Handler {
  readonly name = 'whoami';

  /** Never calls next: every query in the block's zones is answered here. */
  serve(_ctx: Ctx, req: Request, _next: Next): Response {
    const { proto, remoteAddress, remotePort } = req.transport;
    const address = unmapIPv4(remoteAddress);
    // Owner names keep the query's case and class; TTL 0 so nothing caches them (as CoreDNS).
    const addr: Rec = address.includes(':')
      ? { name: req.qname, ttl: 0, class: req.qclass, type: Type.AAAA, address }
      : { name: req.qname, ttl: 0, class: req.qclass, type: Type.A, address };
    const srv: Rec = {
      name: req.qname === '.' ? `_${proto}.` : `_${proto}.${req.qname}`, ttl: 0, class: req.qclass,
      type: Type.SRV, priority: 0, weight: 0, port: remotePort, target: '.',
    };
    const resp = new Response();
    resp.authoritative = true;
    resp.additional = [addr, srv];
    return resp;
  }
}
