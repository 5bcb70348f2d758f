// `prometheus [ADDRESS]`

import { Directive } from '../../corefile/directive.js';
import type { Line } from '../../corefile/types.js';
import { QueryMetrics } from '../../metrics/dns.js';
import type { Plugin } from '../plugin.js';
import { httpAddress } from '../pkg/address.js';
import { Prometheus, type PrometheusConfig } from './prometheus.js';

const DEFAULT_ADDRESS = 'localhost:9153';

export function parse(line: Line): PrometheusConfig {
  const d = new Directive(line, 'prometheus');
  const [address] = d.expectArgs(0, 1);
  for (const o of d.options()) throw o.unknownOption();
  return { address: address === undefined ? DEFAULT_ADDRESS : httpAddress(d, address) };
}

export const plugin: Plugin = {
  name: 'prometheus',
  setup(line, ctx) {
    const prometheus = new Prometheus(ctx.instance, parse(line));
    return { queryMetrics: new QueryMetrics(ctx.instance.metrics), start: () => prometheus.start() };
  },
};
