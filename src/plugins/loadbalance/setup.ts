// `loadbalance [round_robin]` (CoreDNS plugin/loadbalance/setup.go). The
// `weighted` policy is not built into kdns.

import { Directive } from '../../corefile/directive.js';
import type { Line } from '../../corefile/types.js';
import type { Plugin } from '../plugin.js';
import { LoadBalance } from './loadbalance.js';

const NAME = 'loadbalance';

export function parse(line: Line): void {
  const d = new Directive(line, NAME);
  d.noBlock();
  const [policy, ...rest] = d.args();
  if (policy === undefined) return;
  if (policy === 'weighted') throw d.error("the 'weighted' policy is not built into kdns: use round_robin");
  if (policy !== 'round_robin') throw d.error(`unknown policy: ${policy}`);
  if (rest.length > 0) throw d.error(`unknown property for ${policy}: '${rest[0]}'`);
}

export const plugin: Plugin = {
  name: NAME,
  setup(line) {
    parse(line);
    return { handler: new LoadBalance() };
  },
};
