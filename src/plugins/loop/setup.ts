// `loop` takes no arguments.

import { Directive } from '../../corefile/directive.js';
import type { Line } from '../../corefile/types.js';
import type { Logger } from '../../log.js';
import { describeUpstreams } from '../forward/upstreams.js';
import type { Plugin } from '../plugin.js';
import { Loop } from './loop.js';

export function parse(line: Line): void {
  const d = new Directive(line, 'loop');
  d.expectArgs(0);
  d.noBlock();
}

/**
 * CoreDNS's log.Fatalf: the message (logged, and on stderr as kdns's other start-up
 * failures are), then exit 1: a looping server only burns CPU and memory.
 */
function exitOnLoop(log: Logger): (message: string) => void {
  return (message) => {
    log.fatal(message);
    process.stderr.write(`kdns: plugin/loop: ${message}\n`);
    process.exit(1);
  };
}

export const plugin: Plugin = {
  name: 'loop',
  setup(line, ctx) {
    parse(line);
    const log = ctx.instance.log.child({ plugin: 'loop' });
    const loop = new Loop({
      zone: ctx.zones[0] ?? '.',
      port: ctx.port,
      upstreams: () => describeUpstreams(ctx.instance, ctx.zones),
      fatal: exitOnLoop(log),
    }, log);
    return {
      handler: loop,
      start: () => { loop.start(); return Promise.resolve(); },
      stop: () => { loop.stop(); return Promise.resolve(); },
    };
  },
};
