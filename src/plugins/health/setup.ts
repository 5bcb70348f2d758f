// `health [ADDRESS] { lameduck DURATION }`

import { Directive, parseDuration } from '../../corefile/directive.js';
import type { Line } from '../../corefile/types.js';
import type { Plugin } from '../plugin.js';
import { httpAddress } from '../pkg/address.js';
import { Health, type HealthConfig } from './health.js';

const DEFAULT_ADDRESS = ':8080';

export function parse(line: Line): HealthConfig {
  const d = new Directive(line, 'health');
  const [address] = d.expectArgs(0, 1);
  let lameduck = 0;
  for (const o of d.options()) {
    if (o.name !== 'lameduck') throw o.unknownOption();
    const [text] = o.expectArgs(1) as [string];
    const ms = parseDuration(text);
    if (ms === null) throw o.error(`unable to parse lameduck duration value: '${text}'`);
    lameduck = ms;
  }
  return { address: address === undefined ? DEFAULT_ADDRESS : httpAddress(d, address), lameduck };
}

export const plugin: Plugin = {
  name: 'health',
  setup(line, ctx) {
    const health = new Health(ctx.instance, parse(line));
    return { start: () => health.start(), lameduck: () => health.lameduck() };
  },
};
