// Which upstreams each server block forwards to, for the loop plugin's message
// ("your upstream ... is 127.0.0.53:53 (from /etc/resolv.conf)").

import type { Instance } from '../../server/instance.js';
import type { UpstreamAddress } from './config.js';

const byInstance = new WeakMap<Instance, Map<string, UpstreamAddress[]>>();

function blockKey(zones: readonly string[]): string {
  return zones.join(' ');
}

export function registerUpstreams(instance: Instance, zones: readonly string[], to: readonly UpstreamAddress[]): void {
  let blocks = byInstance.get(instance);
  if (!blocks) byInstance.set(instance, (blocks = new Map()));
  const list = blocks.get(blockKey(zones)) ?? [];
  list.push(...to);
  blocks.set(blockKey(zones), list);
}

/** "127.0.0.53:53 (from /etc/resolv.conf), 10.0.0.1:53", or '' when the block does not forward. */
export function describeUpstreams(instance: Instance, zones: readonly string[]): string {
  const list = byInstance.get(instance)?.get(blockKey(zones)) ?? [];
  return list.map((u) => (u.file === undefined ? u.label : `${u.label} (from ${u.file})`)).join(', ');
}
