// The ADDRESS argument of the plugins that open an HTTP listener (health, ready, prometheus).

import type { Directive } from '../../corefile/directive.js';
import { splitHostPort } from '../../server/instance.js';

/** Checks HOST:PORT or :PORT at parse time, so that a typo is a Corefile error at its line, not a listen failure. */
export function httpAddress(d: Directive, address: string): string {
  try {
    splitHostPort(address);
  } catch (e) {
    throw d.error((e as Error).message);
  }
  return address;
}
