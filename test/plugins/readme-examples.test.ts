// The Corefile examples in the READMEs of acl, any, cache, errors, health, hosts, loadbalance, log, prometheus, ready, reload, rewrite, timeouts and whoami
// are accepted by the plugins' own parse functions, not only by the Corefile parser.

import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCorefile } from '../../src/corefile/load.js';
import type { Line } from '../../src/corefile/types.js';
import { parse as acl } from '../../src/plugins/acl/setup.js';
import { parse as any } from '../../src/plugins/any/setup.js';
import { parse as cache } from '../../src/plugins/cache/setup.js';
import { parse as errors } from '../../src/plugins/errors/setup.js';
import { parse as health } from '../../src/plugins/health/setup.js';
import { parse as hosts } from '../../src/plugins/hosts/setup.js';
import { parse as loadbalance } from '../../src/plugins/loadbalance/setup.js';
import { parse as log } from '../../src/plugins/log/setup.js';
import { PLUGIN_ORDER } from '../../src/plugins/order.js';
import { parse as prometheus } from '../../src/plugins/prometheus/setup.js';
import { parse as ready } from '../../src/plugins/ready/setup.js';
import { parse as reload } from '../../src/plugins/reload/setup.js';
import { parse as rewrite } from '../../src/plugins/rewrite/setup.js';
import { parse as timeouts } from '../../src/plugins/timeouts/setup.js';
import { parse as whoami } from '../../src/plugins/whoami/setup.js';

const PARSERS: Record<string, (line: Line) => unknown> = {
  acl: (l) => acl(l, ['.']), any, cache: (l) => cache(l, ['.']), errors, health, hosts: (l) => hosts(l, ['.']), loadbalance, log,
  prometheus, ready, reload, rewrite, timeouts, whoami,
};

describe('README examples set up', () => {
  for (const [name, parse] of Object.entries(PARSERS)) {
    it(name, () => {
      const readme = fileURLToPath(new URL(`../../../src/plugins/${name}/README.md`, import.meta.url));
      const examples = [...readFileSync(readme, 'utf8').matchAll(/```corefile\n([\s\S]*?)```/g)].map((m) => m[1]!);
      const lines = examples.flatMap((ex) => parseCorefile(ex, readme, { knownDirectives: new Set(PLUGIN_ORDER) }))
        .flatMap((b) => b.directives).filter((l) => l.tokens[0]!.text === name);
      expect(lines, 'examples using the plugin').to.not.be.empty;
      for (const l of lines) expect(() => parse(l), l.tokens.map((t) => t.text).join(' ')).to.not.throw();
    });
  }
});
