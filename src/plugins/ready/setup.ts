// `ready [ADDRESS] { monitor until-ready|continuously }`

import { Directive } from '../../corefile/directive.js';
import type { Line } from '../../corefile/types.js';
import type { Plugin } from '../plugin.js';
import { httpAddress } from '../pkg/address.js';
import { Ready, type Monitor, type ReadyConfig } from './ready.js';

const DEFAULT_ADDRESS = ':8181';
const MONITORS: readonly Monitor[] = ['until-ready', 'continuously'];

export function parse(line: Line): ReadyConfig {
  const d = new Directive(line, 'ready');
  const [address] = d.expectArgs(0, 1);
  let monitor: Monitor = 'until-ready';
  for (const o of d.options()) {
    if (o.name !== 'monitor') throw o.unknownOption();
    const [mode] = o.expectArgs(1) as [string];
    if (!(MONITORS as readonly string[]).includes(mode)) throw o.error(`monitor takes until-ready or continuously, got '${mode}'`);
    monitor = mode as Monitor;
  }
  return { address: address === undefined ? DEFAULT_ADDRESS : httpAddress(d, address), monitor };
}

export const plugin: Plugin = {
  name: 'ready',
  setup(line, ctx) {
    const ready = new Ready(ctx.instance, parse(line));
    return { start: () => ready.start() };
  },
};
