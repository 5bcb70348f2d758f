// The ZONES arguments of plugins (cache, hosts, fallthrough): written as server
// block keys write them (names or CIDRs), used as lower-case FQDNs (CoreDNS
// plugin.OriginsFromArgsOrServerBlock and plugin.Host.NormalizeExact).

import type { Directive } from '../../corefile/directive.js';
import { parseKey } from '../../corefile/keys.js';
import type { Token } from '../../corefile/types.js';
import { isSubdomain } from '../../dns/names.js';
import { CorefileError } from '../../errors.js';

/** `tokens` as zones; a port or a malformed name is an error at its token. */
export function zonesOf(d: Directive, tokens: readonly Token[]): string[] {
  const zones: string[] = [];
  for (const token of tokens) {
    let keys;
    try {
      keys = parseKey(token);
    } catch (err) {
      // The key parser's reason, without its "file:line - Error during parsing:" prefix.
      if (err instanceof CorefileError) throw d.error(err.message.replace(/^.*? - Error during parsing: /, ''), token);
      throw err;
    }
    for (const k of keys) {
      if (k.port !== null) throw d.error(`zone '${token.text}' takes no port`, token);
      if (!zones.includes(k.zone)) zones.push(k.zone);
    }
  }
  return zones;
}

/** The zones given as arguments, or else the server block's. */
export function zonesOrBlock(d: Directive, tokens: readonly Token[], blockZones: readonly string[]): string[] {
  return tokens.length > 0 ? zonesOf(d, tokens) : [...blockZones];
}

/** The longest of `zones` that `lname` lies in, or undefined (CoreDNS plugin.Zones.Matches). */
export function matchZone(zones: readonly string[], lname: string): string | undefined {
  let best: string | undefined;
  for (const z of zones) {
    if (isSubdomain(lname, z) && (best === undefined || z.length > best.length)) best = z;
  }
  return best;
}

/** Parses `fallthrough [ZONES...]`: no zones means every zone (CoreDNS fall.F). */
export function fallthroughZones(o: Directive): string[] {
  return o.args().length > 0 ? zonesOf(o, o.argTokens()) : ['.'];
}
