// The hosts(5) format (CoreDNS plugin/hosts/hostsfile.go): "ADDRESS NAME [ALIASES...]"
// per line, `#` to the end of a line is a comment, lines that do not start with an
// address are skipped. Names become lower-case FQDNs; only names in the plugin's
// zones are kept.

import { isIPv4 } from 'node:net';
import { canonicalIp, unmapIPv4 } from '../../dns/ip.js';
import { fqdn, labelBytes } from '../../dns/names.js';
import { matchZone } from '../pkg/zones.js';

export class HostsMap {
  readonly v4 = new Map<string, string[]>();
  readonly v6 = new Map<string, string[]>();
  /** Canonical address -> names, for PTR (empty with no_reverse). */
  readonly byAddr = new Map<string, string[]>();

  /** Addresses, one per name and address (CoreDNS hostsMap.Len counts the same way). */
  get size(): number {
    let n = 0;
    for (const m of [this.v4, this.v6, this.byAddr]) for (const v of m.values()) n += v.length;
    return n;
  }
}

/** A name that can go on the wire (labels of at most 63 bytes, no empty label). */
function valid(name: string): boolean {
  try {
    labelBytes(name);
    return true;
  } catch {
    return false;
  }
}

function add(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

export function parseHosts(text: string, zones: readonly string[], reverse: boolean): HostsMap {
  const map = new HostsMap();
  for (const raw of text.split('\n')) {
    const hash = raw.indexOf('#');
    const fields = (hash >= 0 ? raw.slice(0, hash) : raw).trim().split(/\s+/);
    if (fields.length < 2) continue;
    // An IPv6 zone ("fe80::1%eth0") is dropped; an IPv4-mapped address is IPv4 (as Go's To4).
    const addr = canonicalIp(unmapIPv4(fields[0]!.split('%')[0]!));
    if (addr === null) continue;
    for (const name of fields.slice(1).map(fqdn)) {
      if (!valid(name) || matchZone(zones, name) === undefined) continue;
      add(isIPv4(addr) ? map.v4 : map.v6, name, addr);
      if (reverse) add(map.byAddr, addr, name);
    }
  }
  return map;
}

/** Both maps' values for `key`, the file's first (CoreDNS appends the inline entries). */
export function lookup(key: string, file: Map<string, string[]>, inline: Map<string, string[]>): string[] {
  const a = file.get(key), b = inline.get(key);
  if (a === undefined) return b ?? [];
  if (b === undefined) return a;
  return [...a, ...b.filter((x) => !a.includes(x))];
}
