// The plugins built into kdns, by directive name. Add one import and one entry per plugin.

import type { Plugin } from './plugin.js';
import { plugin as acl } from './acl/setup.js';
import { plugin as any } from './any/setup.js';
import { plugin as cache } from './cache/setup.js';
import { plugin as errors } from './errors/setup.js';
import { plugin as forward } from './forward/setup.js';
import { plugin as health } from './health/setup.js';
import { plugin as hosts } from './hosts/setup.js';
import { plugin as kubernetes } from './kubernetes/setup.js';
import { plugin as loadbalance } from './loadbalance/setup.js';
import { plugin as log } from './log/setup.js';
import { plugin as loop } from './loop/setup.js';
import { plugin as prometheus } from './prometheus/setup.js';
import { plugin as ready } from './ready/setup.js';
import { plugin as reload } from './reload/setup.js';
import { plugin as timeouts } from './timeouts/setup.js';
import { plugin as rewrite } from './rewrite/setup.js';
import { plugin as whoami } from './whoami/setup.js';

export const BUILT_IN: readonly Plugin[] = [
  acl,
  any,
  cache,
  errors,
  forward,
  health,
  hosts,
  kubernetes,
  loadbalance,
  log,
  loop,
  prometheus,
  ready,
  reload,
  timeouts,
  rewrite,
  whoami,
];

const byName = new Map(BUILT_IN.map((p) => [p.name, p]));

export function findPlugin(name: string): Plugin | undefined {
  return byName.get(name);
}
