// IP address text <-> bytes, and the reverse-lookup names built from them (RFC 1035 3.5, RFC 3596 2.5).

import { isIPv4, isIPv6 } from 'node:net';

export function ipv4Bytes(ip: string): Buffer | null {
  const out = Buffer.allocUnsafe(4);
  return ipv4Into(ip, out, 0) ? out : null;
}

/** Writes the 4 bytes of `ip` at out[at]; false (nothing written) when it is not an IPv4 address. */
export function ipv4Into(ip: string, out: Uint8Array, at: number): boolean {
  if (!isIPv4(ip)) return false;
  // isIPv4 vouches for the form: four decimal octets up to 255, without leading zeros.
  let octet = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 0x2e) { out[at++] = octet; octet = 0; } else octet = octet * 10 + c - 0x30;
  }
  out[at] = octet;
  return true;
}

export function ipv6Bytes(ip: string): Buffer | null {
  if (!isIPv6(ip)) return null;
  let text = ip.split('%')[0]!;
  const out = Buffer.alloc(16);
  // An embedded IPv4 tail ("::ffff:1.2.3.4") becomes its two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = ipv4Bytes(v4[1]!)!;
    text = text.slice(0, -v4[1]!.length) + b.readUInt16BE(0).toString(16) + ':' + b.readUInt16BE(2).toString(16);
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  headGroups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  tailGroups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), 16 - (tailGroups.length - i) * 2));
  return out;
}

export function ipBytes(ip: string): Buffer | null {
  return ipv4Bytes(ip) ?? ipv6Bytes(ip);
}

/** Canonical text (RFC 5952) of 4 or 16 address bytes. */
export function ipText(b: Uint8Array): string {
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  // The longest run (of two or more) of zero groups becomes "::".
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return hex.slice(0, bestStart).join(':') + '::' + hex.slice(bestStart + bestLen).join(':');
}

/** Canonical form of an address string, or null if it is not one. */
export function canonicalIp(ip: string): string | null {
  const b = ipBytes(ip);
  return b ? ipText(b) : null;
}

/** "10.0.0.1" -> "1.0.0.10.in-addr.arpa."; IPv6 -> 32 nibble labels under ip6.arpa. */
export function reverseName(ip: string): string | null {
  const b = ipBytes(ip);
  if (!b) return null;
  if (b.length === 4) return `${b[3]}.${b[2]}.${b[1]}.${b[0]}.in-addr.arpa.`;
  let out = '';
  for (let i = 15; i >= 0; i--) out += `${(b[i]! & 0xf).toString(16)}.${(b[i]! >> 4).toString(16)}.`;
  return out + 'ip6.arpa.';
}

/** The address a full reverse name stands for, or null for a partial or malformed one. */
export function ipFromReverseName(lname: string): string | null {
  if (lname.endsWith('.in-addr.arpa.')) {
    const parts = lname.slice(0, -'.in-addr.arpa.'.length).split('.');
    if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) < 256)) return null;
    return parts.reverse().join('.');
  }
  if (lname.endsWith('.ip6.arpa.')) {
    const parts = lname.slice(0, -'.ip6.arpa.'.length).split('.');
    if (parts.length !== 32 || !parts.every((p) => /^[0-9a-f]$/.test(p))) return null;
    const b = Buffer.alloc(16);
    for (let i = 0; i < 16; i++) b[i] = parseInt(parts[31 - 2 * i]! + parts[30 - 2 * i]!, 16);
    return ipText(b);
  }
  return null;
}

/**
 * A client address as a dual-stack socket reports it: "::ffff:10.0.0.1" is an
 * IPv4 client and becomes "10.0.0.1" (Go's net.IP.To4 does the same for CoreDNS).
 */
export function unmapIPv4(ip: string): string {
  return ip.length > 7 && ip.slice(0, 7).toLowerCase() === '::ffff:' && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
}
