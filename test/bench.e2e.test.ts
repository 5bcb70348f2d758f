// `npm run bench` itself, once, short: it must keep running end to end (dnsperf,
// the echo ceiling, kdns, a baseline build, dnsperf -v latency, RSS) and print its
// table. Figures are not judged here: they come from real runs (docs/performance.md).

import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { MAIN } from './support/kdns.js';

const BENCH = join(dirname(MAIN), '../bench/run.js');

describe('bench (npm run bench, one short class)', function () {
  this.timeout(120_000);

  it('measures a class against the echo ceiling and a baseline build, and prints the summary row', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [BENCH, '--only', 'cluster A (small state)', '--no-large', '--seconds', '1', '--rounds', '1',
        '--baseline', MAIN], { timeout: 100_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`bench failed: ${err.message}\n${stdout}\n${stderr}`));
        else resolve(stdout);
      });
    });
    const lines = out.trim().split('\n');
    expect(lines.at(-2)).to.match(/^class\s+kdns qps\s+echo qps ratio .* after\/base$/);
    // qps, echo qps, ratio, p50, p99, echo p99, ready ms, RSS, settled, base qps, base ratio, after/base
    const row = lines.at(-1)!;
    expect(row.startsWith('cluster A (small state) ')).to.equal(true);
    const nums = row.slice('cluster A (small state)'.length).trim().split(/\s+/).map(Number);
    expect(nums).to.have.length(12);
    for (const n of nums) expect(n).to.be.above(0);
    expect(out).to.match(/^kdns cluster A \(small state\)\s+\d+ qps .* p99 [\d.]+ /m);
  });
});
