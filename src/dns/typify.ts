// What kind of answer a Response is, as CoreDNS's plugin/pkg/response sees it:
// the log plugin's `class` filter and a cache's success/denial split both need it.

import { Rcode, Type } from './constants.js';
import type { Response } from './message.js';

export type ResponseType =
  | 'NOERROR' | 'NXDOMAIN' | 'SERVERERROR' | 'NODATA' | 'DELEGATION' | 'META' | 'OTHERERROR';

/** `all` is not a class of its own: it is what a filter that takes every class says. */
export type ResponseClass = 'success' | 'denial' | 'error';

export const RESPONSE_CLASSES: readonly ResponseClass[] = ['success', 'denial', 'error'];

/** The type of `resp` as an answer to a `qtype` query (CoreDNS response.Typify, without DNSSEC expiry). */
export function typify(resp: Response, qtype: number): ResponseType {
  if (qtype === Type.AXFR || qtype === Type.IXFR) return 'META';
  const ok = resp.rcode === Rcode.NOERROR;
  if (ok && resp.answer.length > 0) {
    // An A/AAAA answer without a record of that type (a CNAME alone) counts as NODATA.
    if ((qtype === Type.A || qtype === Type.AAAA) && !resp.answer.some((r) => r.type === qtype)) return 'NODATA';
    return 'NOERROR';
  }
  const soa = resp.authority.some((r) => r.type === Type.SOA);
  if (soa && ok) return 'NODATA';
  if (soa && resp.rcode === Rcode.NXDOMAIN) return 'NXDOMAIN';
  if (resp.rcode === Rcode.SERVFAIL || resp.rcode === Rcode.NOTIMP) return 'SERVERERROR';
  if (ok && resp.authority.some((r) => r.type === Type.NS)) return 'DELEGATION';
  return ok ? 'NOERROR' : 'OTHERERROR';
}

/** CoreDNS response.Classify: denial is NXDOMAIN or NODATA, error anything that is not an answer. */
export function classify(t: ResponseType): ResponseClass {
  switch (t) {
    case 'NOERROR': case 'DELEGATION': return 'success';
    case 'NXDOMAIN': case 'NODATA': return 'denial';
    default: return 'error';
  }
}
