// `-workers N`: N processes serving one set of sockets (node:cluster), started,
// replaced and stopped by the primary.

import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rcode } from '../src/dns/constants.js';
import { query } from './support/dns.js';
import { freePort, runKdns, startKdns, type KdnsProcess } from './support/kdns.js';

const COREFILE = '. {\n  whoami\n}\n';

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Pids of the workers that logged "serving". */
function workerPids(k: KdnsProcess): number[] {
  return k.stdout().split('\n').filter((l) => /"msg":"kdns-[^"]* serving"/.test(l)).map((l) => (JSON.parse(l) as { pid: number }).pid);
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

async function answersOverBoth(port: number): Promise<void> {
  for (let i = 0; i < 6; i++) {
    for (const tcp of [false, true]) {
      const msg = await query(port, 'example.org.', 'A', { tcp });
      expect(msg.rcode, `${tcp ? 'tcp' : 'udp'} #${i}`).to.equal(Rcode.NOERROR);
      expect(msg.additional.length).to.be.greaterThan(0);
    }
  }
}

describe('kdns -workers', function () {
  this.timeout(60_000);

  it('-workers 2 answers over UDP and TCP, and stops with exit 0 on SIGTERM', async () => {
    const k = await startKdns(COREFILE, { args: ['-workers', '2'] });
    try {
      await until('both workers', () => k.stdout().includes('all 2 workers serving'));
      const pids = workerPids(k);
      expect(new Set(pids).size).to.equal(2);
      await answersOverBoth(k.port);
      expect(await k.stop('SIGTERM')).to.equal(0);
      for (const pid of pids) await until(`worker ${pid} gone`, () => !alive(pid));
    } finally {
      await k.stop('SIGKILL');
    }
  });

  it('replaces a worker that dies and keeps answering', async () => {
    const k = await startKdns(COREFILE, { args: ['-workers', '2'] });
    try {
      await until('both workers', () => k.stdout().includes('all 2 workers serving'));
      process.kill(workerPids(k)[0]!, 'SIGKILL');
      await until('a new worker', () => new Set(workerPids(k)).size === 3);
      await answersOverBoth(k.port);
      expect(await k.stop('SIGINT')).to.equal(0);
    } finally {
      await k.stop('SIGKILL');
    }
  });

  it('exits 1 when the workers cannot start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kdns-workers-'));
    writeFileSync(join(dir, 'Corefile'), '. {\n  whoami\n  bogus\n}\n');
    const r = await runKdns(['-conf', join(dir, 'Corefile'), '-dns.port', String(await freePort()), '-workers', '2'], { timeoutMs: 20_000 });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include(`${join(dir, 'Corefile')}:3`);
  });

  for (const bad of ['0', '1.5', 'two']) {
    it(`-workers ${bad} is a usage error (exit 2)`, async () => {
      const r = await runKdns(['-workers', bad]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include('-workers: bad count');
    });
  }
});
