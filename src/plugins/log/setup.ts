// `log [NAMES...] [FORMAT] { class CLASSES...; minDuration [DURATION] }`

import { Directive, parseDuration } from '../../corefile/directive.js';
import type { Line } from '../../corefile/types.js';
import { fqdn } from '../../dns/names.js';
import { RESPONSE_CLASSES, type ResponseClass } from '../../dns/typify.js';
import { rootLogger } from '../../log.js';
import type { Plugin } from '../plugin.js';
import { COMMON_FORMAT } from './format.js';
import { Log, type Rule } from './log.js';

/** What a bare `minDuration` means (CoreDNS's DefaultMinDuration). */
const DEFAULT_MIN_DURATION_MS = 100;

export function parse(line: Line): Rule {
  const d = new Directive(line, 'log');
  let args = d.args();
  let format = COMMON_FORMAT;
  // The last argument is the format when it has a placeholder (a name never has a '{').
  const last = args[args.length - 1];
  if (last !== undefined && last.includes('{')) {
    format = last;
    args = args.slice(0, -1);
  }
  const classes = new Set<ResponseClass>();
  let all = false;
  let minDuration = 0;
  for (const o of d.options()) {
    switch (o.name) {
      case 'class':
        for (const c of o.expectArgs(1, Infinity)) {
          if (c === 'all') all = true;
          else if ((RESPONSE_CLASSES as readonly string[]).includes(c)) classes.add(c as ResponseClass);
          else throw o.error(`invalid Class: ${c}`);
        }
        break;
      case 'minDuration': {
        const [text] = o.expectArgs(0, 1);
        const ms = text === undefined ? DEFAULT_MIN_DURATION_MS : parseDuration(text);
        if (ms === null) throw o.error(`Illegal duration found: '${text}'`);
        minDuration = ms;
        break;
      }
      default:
        throw o.unknownOption();
    }
  }
  return {
    names: args.length ? args.map(fqdn) : ['.'],
    format,
    classes: all || classes.size === 0 ? null : classes,
    minDuration,
  };
}

export const plugin: Plugin = {
  name: 'log',
  // CoreDNS takes several `log` lines in a block; the first whose NAMES match a query logs it.
  repeatable: true,
  setup(line) {
    return { handler: new Log(parse(line), (text) => rootLogger.info(text)) };
  },
};
