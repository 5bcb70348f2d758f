// `npm run soak -- [--seconds N] [--share 0.7] [--plot FILE.svg] [--json FILE.json]`:
// the soak of test/support/soak.ts run by hand, longer than in CI, with a plot.

import { writeFileSync } from 'node:fs';
import { describeReport, soak } from '../test/support/soak.js';
import { soakSvg } from './plot.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const report = await soak({
  seconds: Number(arg('seconds') ?? 300),
  share: Number(arg('share') ?? 0.7),
  stepSeconds: 3,
  reloadEvery: 5,
  log: (line) => process.stdout.write(`${line}\n`),
});
process.stdout.write(`${describeReport(report)}\n`);
const plot = arg('plot');
if (plot) writeFileSync(plot, soakSvg(report));
const json = arg('json');
if (json) writeFileSync(json, `${JSON.stringify(report, null, 1)}\n`);
