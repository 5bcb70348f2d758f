// `any` takes no arguments and no block.

import { Directive } from '../../corefile/directive.js';
import type { Line } from '../../corefile/types.js';
import type { Plugin } from '../plugin.js';
import { Any } from './any.js';

export function parse(line: Line): void {
  const d = new Directive(line, 'any');
  d.expectArgs(0);
  d.noBlock();
}

export const plugin: Plugin = {
  name: 'any',
  setup(line) {
    parse(line);
    return { handler: new Any() };
  },
};
