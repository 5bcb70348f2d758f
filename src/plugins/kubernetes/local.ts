// This server's own addresses, for the apex NS and `ns.dns.<zone>` (CoreDNS local.go).

import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { canonicalIp } from '../../dns/ip.js';

/** Non-loopback, non-link-local interface addresses (link-local ones mean nothing off the link). */
export function ownAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string[] {
  const out: string[] = [];
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.internal || /^(fe[89ab]|169\.254\.)/i.test(info.address)) continue;
      const ip = canonicalIp(info.address);
      if (ip && !ip.startsWith('127.') && ip !== '::1' && !out.includes(ip)) out.push(ip);
    }
  }
  return out;
}
