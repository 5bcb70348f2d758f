// `errors [stdout] { consolidate DURATION REGEXP [LEVEL]; panicRecoveryStacktrace }`

import { Directive, parseDuration } from '../../corefile/directive.js';
import type { Line } from '../../corefile/types.js';
import { pluginLogger } from '../../log.js';
import type { Plugin } from '../plugin.js';
import { Errors, type Consolidate, type ErrorLog, type ErrorsConfig, type Level } from './errors.js';

/** CoreDNS's level names -> pino's. */
const LEVELS = new Map<string, Level>([['error', 'error'], ['warning', 'warn'], ['info', 'info'], ['debug', 'debug']]);

function parseConsolidate(o: Directive): Consolidate {
  const [duration, regexp, levelName] = o.expectArgs(2, 3) as [string, string, string | undefined];
  const period = parseDuration(duration);
  if (period === null || period <= 0) throw o.error(`invalid duration '${duration}'`);
  let pattern: RegExp;
  try {
    pattern = new RegExp(regexp);
  } catch (e) {
    throw o.error(`invalid regexp '${regexp}': ${(e as Error).message}`);
  }
  const level = LEVELS.get(levelName ?? 'error');
  if (level === undefined) throw o.error(`unknown log level argument in consolidate: ${levelName}`);
  return { period, regexp, pattern, level };
}

export function parse(line: Line): ErrorsConfig {
  const d = new Directive(line, 'errors');
  const args = d.expectArgs(0, 1);
  // CoreDNS only ever writes to standard output, and says so.
  if (args.length === 1 && args[0] !== 'stdout') throw d.error(`invalid log file: ${args[0]}`);
  const consolidate: Consolidate[] = [];
  let stacktrace = false;
  for (const o of d.options()) {
    switch (o.name) {
      case 'consolidate': consolidate.push(parseConsolidate(o)); break;
      case 'panicRecoveryStacktrace': o.expectArgs(0); stacktrace = true; break;
      default: throw o.unknownOption();
    }
  }
  return { consolidate, stacktrace };
}

export const plugin: Plugin = {
  name: 'errors',
  setup(line) {
    const log = pluginLogger('errors');
    const out: ErrorLog = (level, msg, err) => {
      if (err === undefined) log[level](msg);
      else log[level]({ err }, msg);
    };
    const handler = new Errors(parse(line), out);
    return { handler, stop: async () => { handler.stop(); } };
  },
};
