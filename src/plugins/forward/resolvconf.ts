// A TO of forward: an address (`1.2.3.4`, `1.2.3.4:5353`, `[::1]:53`, `dns://1.2.3.4`)
// or a resolv.conf-style file whose `nameserver` lines are the upstreams.

import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { UpstreamAddress } from './config.js';

const DNS_PORT = 53;

export function upstream(host: string, port: number, file?: string): UpstreamAddress {
  const label = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return file === undefined ? { host, port, label } : { host, port, label, file };
}

/** `host`, `host:port`, `[v6]`, `[v6]:port`, bare `v6`; null if it is not an IP address. */
function hostPort(text: string): { host: string; port: number } | null {
  let host = text;
  let port = DNS_PORT;
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? (isIP(text) ? null : /^([^:]+):(\d+)$/.exec(text));
  if (m) {
    host = m[1]!;
    if (m[2] !== undefined) port = Number(m[2]);
  }
  if (!isIP(host)) return null;
  if (!(port >= 1 && port <= 65535)) throw new Error(`invalid port in '${text}'`);
  return { host, port };
}

/** The nameservers of a resolv.conf file, port 53 (resolv.conf has no ports). */
export function resolvConf(path: string, text: string): UpstreamAddress[] {
  const out: UpstreamAddress[] = [];
  for (const raw of text.split('\n')) {
    const [key, value] = raw.replace(/[#;].*/, '').trim().split(/\s+/);
    if (key !== 'nameserver' || value === undefined) continue;
    const host = value.split('%')[0]!; // a link-local zone index is not an address part
    if (isIP(host)) out.push(upstream(host, DNS_PORT, path));
  }
  return out;
}

/** One TO argument -> its upstreams; throws Error with a message fit for a setup error. */
export function parseUpstream(text: string): UpstreamAddress[] {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (scheme && scheme[1]!.toLowerCase() !== 'dns') {
    throw new Error(`'${text}': only dns:// upstreams are supported by kdns (no ${scheme[1]}://)`);
  }
  const rest = scheme ? text.slice(scheme[0].length) : text;
  const hp = hostPort(rest);
  if (hp) return [upstream(hp.host, hp.port)];
  if (scheme) throw new Error(`'${text}' is not an IP address`);
  let content: string;
  try {
    content = readFileSync(rest, 'utf8');
  } catch (e) {
    throw new Error(`'${text}' is not an IP address or a readable file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const list = resolvConf(rest, content);
  if (list.length === 0) throw new Error(`no nameservers found in '${rest}'`);
  return list;
}
