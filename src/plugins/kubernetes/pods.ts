// Pod names `a-b-c-d.<ns>.pod.<zone>` (SPEC §1 "Pods") in the three `pods` modes.

import { Type } from '../../dns/constants.js';
import { canonicalIp } from '../../dns/ip.js';
import type { Cluster } from './cluster.js';
import { found, MISSING, type Found, type Query } from './found.js';
import { addressRecord, familyOf } from './rr.js';

/**
 * The address a pod label spells: exactly three dashes and no `--` is IPv4,
 * anything else reads dashes as colons (IPv6). Null when it is no address.
 */
export function podLabelIp(label: string): string | null {
  if (!/^[0-9a-f-]+$/.test(label)) return null;
  const dashes = label.split('-').length - 1;
  const text = dashes === 3 && !label.includes('--') ? label.replaceAll('-', '.') : label.replaceAll('-', ':');
  return canonicalIp(text);
}

/** `<ns>.pod.<zone>` exists when pod names are served there. */
export function podNamespaceExists(c: Cluster, namespace: string): boolean {
  return c.cfg.pods !== 'disabled' && c.namespaceExposed(namespace);
}

export function lookupPod(c: Cluster, namespace: string, label: string, q: Query): Found {
  if (!podNamespaceExists(c, namespace)) return MISSING;
  const ip = podLabelIp(label);
  if (ip === null) return MISSING;
  // verified: only a pod of that namespace, not being deleted, holding that address.
  if (c.cfg.pods === 'verified' && !c.view.podsByIP(ip).some((p) => p.namespace === namespace && !p.deleting)) return MISSING;
  const isAddress = q.qtype === Type.A || q.qtype === Type.AAAA;
  return found(isAddress && familyOf(q.qtype, ip) ? [addressRecord(q.owner, c.cfg.ttl, ip)] : []);
}
