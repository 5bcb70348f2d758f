// `npm run fuzz -- --count N [--seed S]`: the fuzz tests (wire codec properties and
// the kdns process) with N cases each instead of their bounded CI counts.
import { spawnSync } from 'node:child_process';

const arg = (name) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const env = { ...process.env, KDNS_FUZZ_COUNT: arg('count') ?? '100000' };
if (arg('seed') !== undefined) env.KDNS_FUZZ_SEED = arg('seed');
const run = spawnSync(process.execPath, ['test/run.mjs', 'fuzz:'], { stdio: 'inherit', env });
process.exit(run.status ?? 1);
