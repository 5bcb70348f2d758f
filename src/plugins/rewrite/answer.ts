// Response rewrites of a name rule (`answer auto`, `answer name FROM TO`,
// `answer value FROM TO`): the client must find its own question's names in the
// answer, not those the query was rewritten to (some resolvers reject a mismatch).

import { Type } from '../../dns/constants.js';
import type { Response } from '../../dns/message.js';
import type { NameRecord, Rec, SOA, SRV } from '../../dns/records.js';

/** A regular expression and its replacement, `{N}` standing for group N (CoreDNS's syntax). */
export class Substitution {
  constructor(readonly re: RegExp, readonly template: string) {}

  /** The replaced name, or null when it does not match. */
  apply(name: string): string | null {
    const m = this.re.exec(name);
    if (m === null) return null;
    return this.template.replace(/\{(\d+)\}/g, (all, n: string) => (Number(n) < m.length ? m[Number(n)] ?? '' : all));
  }
}

/** How an answer's names go back: owner names, or the names records point to (CNAME, NS, SRV, SOA targets). */
export type AnswerRule =
  | { readonly kind: 'name' | 'value'; readonly sub: Substitution }
  | { readonly kind: 'auto' };

/** Maps one owner or target name; null leaves it. */
export type NameMap = (name: string) => string | null;

/** The names a record points to, as CoreDNS's rewrite sees them (MX, DNAME and NAPTR stay opaque in kdns). */
function withValue(r: Rec, map: NameMap): Rec {
  switch (r.type) {
    case Type.CNAME: case Type.NS: {
      const target = map((r as NameRecord).target);
      return target === null ? r : { ...(r as NameRecord), target };
    }
    case Type.SRV: {
      const target = map((r as SRV).target);
      return target === null ? r : { ...(r as SRV), target };
    }
    case Type.SOA: {
      const mname = map((r as SOA).mname);
      return mname === null ? r : { ...(r as SOA), mname };
    }
    default: return r;
  }
}

function rewriteRecord(r: Rec, names: readonly NameMap[], values: readonly NameMap[]): Rec {
  let name = r.name;
  for (const map of names) name = map(name) ?? name;
  let out = name === r.name ? r : { ...r, name };
  for (const map of values) out = withValue(out, map);
  return out;
}

/** A copy of `resp` with the names mapped; a relayed answer becomes a built one. */
export function rewriteAnswer(resp: Response, names: readonly NameMap[], values: readonly NameMap[]): Response {
  const r = resp.clone();
  if (names.length + values.length > 0) {
    r.answer = r.answer.map((rec) => rewriteRecord(rec, names, values));
    r.authority = r.authority.map((rec) => rewriteRecord(rec, names, values));
    r.additional = r.additional.map((rec) => rewriteRecord(rec, names, values));
  }
  return r;
}
