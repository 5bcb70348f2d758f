// Scraping /metrics in tests: the Prometheus text format read into samples.

import { httpGet } from './http.js';

/** Samples by `name{labels}` as exposed (labels in exposition order), e.g. `coredns_panics_total`. */
export type Samples = Map<string, number>;

export async function scrape(url: string): Promise<Samples> {
  const res = await httpGet(url);
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${res.body}`);
  const samples: Samples = new Map();
  for (const line of res.body.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*(?:\{.*\})?) (\S+)$/.exec(line);
    if (m) samples.set(m[1]!, Number(m[2]!.replace('+Inf', 'Infinity')));
  }
  return samples;
}

/** `name{a="x",b="y"}` for `labels` in the given order. */
export function key(name: string, labels: Record<string, string> = {}): string {
  const text = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',');
  return text ? `${name}{${text}}` : name;
}

/** The value of one sample, 0 when absent. */
export function value(samples: Samples, name: string, labels: Record<string, string> = {}): number {
  return samples.get(key(name, labels)) ?? 0;
}
