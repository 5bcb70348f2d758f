// `timeouts { read DURATION; write DURATION; idle DURATION }` (CoreDNS syntax): the
// TCP times of the block's listeners. No handler: it takes no part in queries.

import { Directive, parseDuration } from '../../corefile/directive.js';
import type { Line } from '../../corefile/types.js';
import type { TcpLimits } from '../../server/tcp.js';
import type { Plugin } from '../plugin.js';

const MIN_MS = 1000;
const MAX_MS = 24 * 3600 * 1000;

/** Which limit each option sets: `read` is the time to receive a whole query. */
const OPTIONS: Record<string, keyof TcpLimits> = {
  read: 'frameTimeoutMs',
  write: 'writeTimeoutMs',
  idle: 'idleTimeoutMs',
};

export function parse(line: Line): Partial<TcpLimits> {
  const d = new Directive(line, 'timeouts');
  d.expectArgs(0);
  const limits: Partial<TcpLimits> = {};
  for (const o of d.options()) {
    const key = OPTIONS[o.name];
    if (key === undefined) throw o.unknownOption();
    const [text] = o.expectArgs(1) as [string];
    // As CoreDNS: a bare number is seconds.
    const ms = parseDuration(/^\d+$/.test(text) ? `${text}s` : text);
    if (ms === null) throw o.error(`failed to parse timeout duration '${text}'`);
    if (ms < MIN_MS || ms > MAX_MS) throw o.error(`timeout provided '${text}' needs to be between 1 second and 24 hours`);
    limits[key] = ms;
  }
  if (Object.keys(limits).length === 0) throw d.error('timeouts block with no timeouts specified');
  return limits;
}

export const plugin: Plugin = {
  name: 'timeouts',
  setup(line) {
    return { tcpLimits: parse(line) };
  },
};
