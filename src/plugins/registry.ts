// The plugins built into kdns, by directive name. Add one import and one entry per plugin.

import type { Plugin } from './plugin.js';

export const BUILT_IN: readonly Plugin[] = [
];

const byName = new Map(BUILT_IN.map((p) => [p.name, p]));

export function findPlugin(name: string): Plugin | undefined {
  return byName.get(name);
}
