// Runs every compiled test file with mocha and ends with the plain line CI reads:
// "N passed, N failed". Exits non-zero on any failure or when no test ran.
import Mocha from 'mocha';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return testFiles(p);
    return name.endsWith('.test.js') ? [p] : [];
  }).sort();
}

const grep = process.argv.slice(2).find((a) => !a.startsWith('-'));
const mocha = new Mocha({ timeout: 20000, reporter: 'spec', ...(grep ? { grep } : {}) });
for (const f of testFiles('dist/test')) mocha.addFile(f);
await mocha.loadFilesAsync();
const runner = mocha.run(() => {
  const { passes = 0, failures = 0, pending = 0 } = runner.stats ?? {};
  console.log(`\n${passes} passed, ${failures} failed${pending ? `, ${pending} skipped` : ''}`);
  process.exit(failures > 0 || passes === 0 ? 1 : 0);
});
