// Query name -> what it asks for (SPEC §1 "Parsing"; CoreDNS parse.go). Only the
// shape of the name is read here; whether the objects exist is the answers' business.

import { ipFromReverseName } from '../../dns/ip.js';

export type ParsedName =
  /** The zone itself. */
  | { readonly kind: 'apex' }
  /** `svc.<zone>`, `pod.<zone>`, `dns.<zone>`: empty non-terminals that always exist. */
  | { readonly kind: 'ent' }
  | { readonly kind: 'dnsVersion' }
  | { readonly kind: 'nsDns' }
  /** `<ns>.svc.<zone>` or `<ns>.pod.<zone>`. */
  | { readonly kind: 'namespace'; readonly space: 'svc' | 'pod'; readonly namespace: string }
  | { readonly kind: 'service'; readonly namespace: string; readonly service: string }
  | { readonly kind: 'endpoint'; readonly namespace: string; readonly service: string; readonly endpoint: string }
  /** `_<port>._<proto>.<svc>.<ns>.svc.<zone>`, underscores stripped. */
  | { readonly kind: 'port'; readonly namespace: string; readonly service: string; readonly port: string; readonly protocol: string }
  | { readonly kind: 'pod'; readonly namespace: string; readonly label: string }
  /** A full reverse name in a reverse zone. */
  | { readonly kind: 'reverse'; readonly ip: string }
  /** A name that cannot exist: NXDOMAIN. */
  | { readonly kind: 'none' };

const APEX: ParsedName = { kind: 'apex' };
const ENT: ParsedName = { kind: 'ent' };
const NONE: ParsedName = { kind: 'none' };
const DNS_VERSION: ParsedName = { kind: 'dnsVersion' };
const NS_DNS: ParsedName = { kind: 'nsDns' };

export function isReverseZone(zone: string): boolean {
  return zone.endsWith('in-addr.arpa.') || zone.endsWith('ip6.arpa.');
}

/** `_http` -> `http`; null unless the label is an underscore and at least one more character. */
function underscored(label: string): string | null {
  return label.length > 1 && label.charCodeAt(0) === 0x5f ? label.slice(1) : null;
}

/** Parses `lname` (lower case, within `zone`). */
export function parseName(lname: string, zone: string): ParsedName {
  if (lname === zone) return APEX;
  if (isReverseZone(zone)) {
    const ip = ipFromReverseName(lname);
    return ip === null ? NONE : { kind: 'reverse', ip };
  }
  // No Kubernetes name holds an escaped character (a dot or a byte outside A-Z, 0-9, '-').
  if (lname.includes('\\')) return NONE;
  const base = zone === '.' ? lname.slice(0, -1) : lname.slice(0, lname.length - zone.length - 1);
  const labels = base.split('.');
  let i = labels.length - 1;
  const space = labels[i--]!;
  if (space === 'dns-version') return i < 0 ? DNS_VERSION : NONE;
  if (space === 'dns') {
    if (i < 0) return ENT;
    return i === 0 && labels[0] === 'ns' ? NS_DNS : NONE;
  }
  if (space !== 'svc' && space !== 'pod') return NONE;
  if (i < 0) return ENT;
  const namespace = labels[i--]!;
  if (i < 0) return { kind: 'namespace', space, namespace };
  if (space === 'pod') return i === 0 ? { kind: 'pod', namespace, label: labels[0]! } : NONE;
  const svc = labels[i--]!;
  switch (i) {
    case -1: return { kind: 'service', namespace, service: svc };
    case 0: return { kind: 'endpoint', namespace, service: svc, endpoint: labels[0]! };
    case 1: {
      const port = underscored(labels[0]!);
      const protocol = underscored(labels[1]!);
      return port !== null && protocol !== null ? { kind: 'port', namespace, service: svc, port, protocol } : NONE;
    }
    default: return NONE;
  }
}
