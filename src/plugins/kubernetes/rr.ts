// Record builders for the answers. Owner names are presentation FQDNs; an owner
// equal to the question is passed as the query's own name so its case is echoed.

import { isIPv4 } from 'node:net';
import { Type } from '../../dns/constants.js';
import type { Rec } from '../../dns/records.js';

/** An A or AAAA record, by the address's family. */
export function addressRecord(name: string, ttl: number, ip: string): Rec {
  return isIPv4(ip) ? { name, ttl, type: Type.A, address: ip } : { name, ttl, type: Type.AAAA, address: ip };
}

/** Does `ip` belong to the family `qtype` asks for (A or AAAA)? */
export function familyOf(qtype: number, ip: string): boolean {
  return isIPv4(ip) === (qtype === Type.A);
}

export function nameRecord(type: typeof Type.CNAME | typeof Type.NS | typeof Type.PTR, name: string, ttl: number, target: string): Rec {
  return { name, ttl, type, target };
}

/** One SRV target: the port, the target name and the addresses that go in the additional section. */
export interface SrvTarget {
  readonly port: number;
  readonly target: string;
  readonly ip: string | undefined;
}

/**
 * SRV records for `targets`, de-duplicated, with weight floor(100/N) (at least 1)
 * over the N distinct records (SPEC §1 **(kdns)**: after de-duplication), and
 * one A/AAAA per distinct (target, address) for the additional section.
 */
export function srvRecords(owner: string, ttl: number, targets: readonly SrvTarget[]): { answer: Rec[]; additional: Rec[] } {
  const records = new Map<string, { port: number; target: string }>();
  const glue = new Map<string, Rec>();
  for (const t of targets) {
    records.set(`${t.port} ${t.target}`, t);
    if (t.ip !== undefined) glue.set(`${t.target} ${t.ip}`, addressRecord(t.target, ttl, t.ip));
  }
  const weight = Math.max(1, Math.floor(100 / records.size));
  const answer: Rec[] = [...records.values()].map((r) => ({
    name: owner, ttl, type: Type.SRV, priority: 0, weight, port: r.port, target: r.target,
  }));
  return { answer, additional: [...glue.values()] };
}
