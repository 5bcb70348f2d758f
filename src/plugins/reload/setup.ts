// `reload [INTERVAL] [JITTER]`

import { Directive, parseDuration } from '../../corefile/directive.js';
import type { Line } from '../../corefile/types.js';
import type { Plugin } from '../plugin.js';
import { Reload, type ReloadConfig } from './reload.js';

const DEFAULT_INTERVAL = 30_000;
const DEFAULT_JITTER = 15_000;
/** CoreDNS's minimum is 2 s; kdns accepts 1 s (every Corefile CoreDNS takes still works). */
const MIN_INTERVAL = 1_000;

function duration(d: Directive, text: string, what: string): number {
  const ms = parseDuration(text);
  if (ms === null) throw d.error(`invalid ${what} '${text}' (e.g. 30s, 1m)`);
  return ms;
}

export function parse(line: Line): ReloadConfig {
  const d = new Directive(line, 'reload');
  d.noBlock();
  const [interval, jitter] = d.expectArgs(0, 2);
  const i = interval === undefined ? DEFAULT_INTERVAL : duration(d, interval, 'interval');
  if (i < MIN_INTERVAL) throw d.error(`interval value must be greater or equal to ${MIN_INTERVAL / 1000}s`);
  // Any jitter is accepted (CoreDNS wants 0 or at least 1 s); more than half the interval is cut to half (as CoreDNS).
  const j = jitter === undefined ? DEFAULT_JITTER : duration(d, jitter, 'jitter');
  return { interval: i, jitter: Math.min(j, i / 2) };
}

export const plugin: Plugin = {
  name: 'reload',
  setup(line, ctx) {
    const reload = new Reload(ctx.instance, parse(line));
    return { start: () => reload.start(), stop: () => reload.stop() };
  },
};
