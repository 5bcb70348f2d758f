// Fuzzing a real kdns process (kubernetes from a fixture, whoami) over UDP and TCP:
// every packet gets exactly the reply parseQuery says it deserves (queries an
// answer with their ID and question), and valid queries are answered after every
// batch. `npm run fuzz -- --count N` runs it longer.

import { expect } from 'chai';
import { query } from '../support/dns.js';
import { fuzzCount, fuzzSeed } from '../support/fuzz.js';
import { FUZZ_COREFILE, fuzzServer } from '../support/fuzz-server.js';
import { startKdns, type KdnsProcess } from '../support/kdns.js';
import { FIXTURE_YAML } from '../plugins/kubernetes/cluster.js';


const COUNT = fuzzCount(8000);

describe('fuzz: kdns process', function () {
  this.timeout(Math.max(90_000, COUNT * 20));
  let kdns: KdnsProcess;

  before(async () => {
    kdns = await startKdns(FUZZ_COREFILE, { files: { 'cluster.yaml': FIXTURE_YAML }, probe: 'cluster.local.' });
  });

  after(async () => {
    await kdns?.stop();
  });

  it(`answers every parseable query of ${COUNT} fuzzed packets and keeps serving`, async () => {
    const seed = fuzzSeed();
    const alive = async (): Promise<void> => {
      for (const tcp of [false, true]) {
        const msg = await query(kdns.port, 'kubernetes.default.svc.cluster.local.', 'A', { tcp, timeoutMs: 5000 });
        expect(msg.answer.map((r) => 'address' in r && r.address), `alive over ${tcp ? 'tcp' : 'udp'}`).to.deep.equal(['10.96.0.1']);
      }
    };
    let stats;
    try {
      stats = await fuzzServer(kdns.port, { count: COUNT, seed, alive });
    } catch (err) {
      (err as Error).message = `seed ${seed} (KDNS_FUZZ_SEED=${seed} replays it): ${(err as Error).message}\n${kdns.stdout().slice(-3000)}\n${kdns.stderr()}`;
      throw err;
    }
    console.log(`      fuzzed: ${JSON.stringify(stats)} seed ${seed}`);
    expect(stats.udpPackets + stats.tcpFrames).to.be.at.least(COUNT * 0.99);
    expect(kdns.proc.exitCode).to.equal(null);
    expect(kdns.stderr()).to.not.match(/uncaught|unhandled/i);
  });
});
