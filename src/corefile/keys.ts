// Server block keys -> zones and ports (SPEC §4; CoreDNS core/dnsserver/address.go
// and plugin/normalize.go SplitHostPort).

import { CorefileError, WireError } from '../errors.js';
import { ipv4Bytes, ipv6Bytes } from '../dns/ip.js';
import { fqdn, labelBytes } from '../dns/names.js';
import type { Token, ZoneKey } from './types.js';

// Transports CoreDNS serves that kdns does not.
const UNSUPPORTED_SCHEMES = new Set(['tls', 'grpc', 'https', 'https3', 'quic']);

/** One key as written (`[dns://]zone[:port]` or a CIDR) -> its zones; a CIDR may give several. */
export function parseKey(token: Token): ZoneKey[] {
  const fail = (msg: string): CorefileError => new CorefileError(token.file, token.line, msg);
  let rest = token.text;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (scheme) {
    const name = scheme[1]!.toLowerCase();
    if (UNSUPPORTED_SCHEMES.has(name)) throw fail(`scheme not supported by kdns: '${name}://' in key '${token.text}' (only dns:// is)`);
    if (name !== 'dns') throw fail(`unknown scheme '${name}://' in key '${token.text}'`);
    rest = rest.slice(scheme[0].length);
  }
  if (/[{}]/.test(rest)) throw fail(`'{' and '}' must be tokens of their own: put a space between them and '${token.text}'`);
  const { host, port } = splitPort(rest, token.text, fail);
  if (host.includes('/')) return reverseZones(host, fail).map((zone) => ({ zone, port, token }));
  if (host.includes(':')) {
    throw fail(`'${token.text}' is not a zone: an IPv6 reverse zone is written as a CIDR, e.g. fd00::/64 (with a port: fd00::/64:1053)`);
  }
  return [{ zone: zoneName(host, fail), port, token }];
}

/** "zone" or "zone:port", as errors name a key. */
export function keyLabel(key: ZoneKey): string {
  return key.port === null ? key.zone : `${key.zone}:${key.port}`;
}

/**
 * The port is what follows the last colon, except that an IPv6 CIDR carries its
 * port after the prefix (`fd00::/64:1053`, as CoreDNS) and `[...]` may bracket a host.
 */
function splitPort(text: string, key: string, fail: (m: string) => CorefileError): { host: string; port: number | null } {
  let host = text;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const m = /^\[([^\]]*)\](?::(.*))?$/.exec(text);
    if (!m) throw fail(`malformed key '${key}': want [HOST] or [HOST]:PORT`);
    host = m[1]!;
    portText = m[2];
  } else {
    const colon = text.lastIndexOf(':');
    const slash = text.indexOf('/');
    const singleColon = colon >= 0 && text.indexOf(':') === colon;
    if (slash >= 0 ? colon > slash : singleColon) {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    }
  }
  if (portText === undefined) return { host, port: null };
  if (portText === '') throw fail(`expecting a port after ':' in key '${key}'`);
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) throw fail(`invalid port '${portText}' in key '${key}': want 1-65535`);
  return { host, port };
}

function zoneName(host: string, fail: (m: string) => CorefileError): string {
  if (host === '' || host === '.') return '.';
  if (!/^[A-Za-z0-9_.-]+$/.test(host)) throw fail(`invalid zone '${host}': a zone is a domain name or a CIDR`);
  try {
    labelBytes(host);
  } catch (e) {
    if (e instanceof WireError) throw fail(`invalid zone '${host}': ${e.message}`);
    throw e;
  }
  return fqdn(host);
}

/**
 * `10.0.0.0/24` -> `0.0.10.in-addr.arpa.`. A prefix off an octet (IPv4) or nibble
 * (IPv6) boundary is covered by every zone one boundary down, as CoreDNS does:
 * `10.0.0.0/23` -> `0.0.10.in-addr.arpa.` and `1.0.10.in-addr.arpa.`.
 */
function reverseZones(cidr: string, fail: (m: string) => CorefileError): string[] {
  const m = /^([^/%]+)\/(\d{1,3})$/.exec(cidr);
  const bytes = m ? ipv4Bytes(m[1]!) ?? ipv6Bytes(m[1]!) : null;
  if (!m || !bytes) throw fail(`invalid CIDR '${cidr}': want ADDRESS/PREFIX, e.g. 10.0.0.0/24`);
  const v4 = bytes.length === 4;
  const bits = bytes.length * 8;
  const prefix = Number(m[2]);
  if (prefix > bits) throw fail(`invalid CIDR '${cidr}': the prefix is longer than ${bits} bits`);
  for (let b = prefix; b < bits; b++) {
    if (bytes[b >> 3]! & (0x80 >> (b & 7))) throw fail(`invalid CIDR '${cidr}': address bits are set past the /${prefix} prefix`);
  }

  const unitBits = v4 ? 8 : 4;
  const units = v4 ? [...bytes] : [...bytes].flatMap((x) => [x >> 4, x & 0xf]);
  const n = Math.ceil(prefix / unitBits);
  const suffix = v4 ? 'in-addr.arpa.' : 'ip6.arpa.';
  const zones: string[] = [];
  // The host bits of the last unit are zero (checked above), so adding i stays inside it.
  for (let i = 0; i < 2 ** (n * unitBits - prefix); i++) {
    const u = units.slice(0, n);
    if (n > 0) u[n - 1] += i;
    zones.push(u.reverse().map((x) => x.toString(v4 ? 10 : 16) + '.').join('') + suffix);
  }
  return zones;
}
