// Every plugin has a README in CoreDNS's layout, and every Corefile example in it parses.

import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseCorefile } from '../../src/corefile/load.js';
import { PLUGIN_ORDER } from '../../src/plugins/order.js';
import { BUILT_IN } from '../../src/plugins/registry.js';

const PLUGINS_DIR = fileURLToPath(new URL('../../../src/plugins/', import.meta.url));
const REQUIRED = ['Name', 'Description', 'Syntax', 'Examples'];
const ORDER = ['Name', 'Description', 'Syntax', 'Examples', 'Metrics', 'Ready', 'Bugs', 'See Also'];

describe('plugin READMEs', () => {
  it('every built-in plugin has a folder named after its directive', () => {
    for (const p of BUILT_IN) expect(existsSync(join(PLUGINS_DIR, p.name, 'README.md')), p.name).to.equal(true);
  });

  for (const dir of readdirSync(PLUGINS_DIR).filter((d) => existsSync(join(PLUGINS_DIR, d, 'README.md')))) {
    describe(dir, () => {
      const text = readFileSync(join(PLUGINS_DIR, dir, 'README.md'), 'utf8');
      const sections = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.trim());

      it('has the CoreDNS sections, in order', () => {
        for (const s of REQUIRED) expect(sections, `${dir} README lacks ## ${s}`).to.include(s);
        const known = sections.filter((s) => ORDER.includes(s));
        expect(known).to.deep.equal([...known].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)));
        expect(text).to.match(new RegExp(`^\\*${dir}\\* - `, 'm'));
      });

      it('has Corefile examples that parse', () => {
        const examples = [...text.matchAll(/```corefile\n([\s\S]*?)```/g)].map((m) => m[1]!);
        expect(examples.length, `${dir} README has no corefile example`).to.be.greaterThan(0);
        for (const ex of examples) {
          expect(() => parseCorefile(ex, `${dir}/README.md`, { knownDirectives: new Set(PLUGIN_ORDER) }), ex).to.not.throw();
        }
      });
    });
  }
});
