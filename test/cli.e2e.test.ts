// The kdns command: flags, start-up errors and signals, as CoreDNS's container args expect.

import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rcode } from '../src/dns/constants.js';
import { query } from './support/dns.js';
import { freePort, MAIN, runKdns, startKdns } from './support/kdns.js';

function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'kdns-cli-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('kdns command line', function () {
  this.timeout(30_000);

  it('-version prints the version and exits 0', async () => {
    const r = await runKdns(['-version']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^kdns-\d+\.\d+\.\d+\n/);
  });

  it('-plugins lists the plugins built in', async () => {
    const r = await runKdns(['--plugins']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.include('dns.whoami');
  });

  it('an unknown flag is a usage error (exit 2)', async () => {
    const r = await runKdns(['-nope']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('unknown flag -nope');
  });

  const badCorefiles: { name: string; corefile: string; line: number; fragment: string }[] = [
    { name: 'an unknown directive', corefile: '. {\n  whoami\n  bogus\n}\n', line: 3, fragment: "bogus" },
    { name: 'an unclosed block', corefile: '. {\n  whoami\n', line: 2, fragment: 'EOF' },
    { name: 'a CoreDNS plugin kdns does not build', corefile: '. {\n  whoami\n  dnssec\n}\n', line: 3, fragment: 'not built into kdns' },
    { name: 'a repeated plugin', corefile: '. {\n  whoami\n  whoami\n}\n', line: 3, fragment: 'only once' },
    { name: 'a duplicate zone', corefile: 'a. {\n whoami\n}\na. {\n whoami\n}\n', line: 4, fragment: 'a.' },
  ];
  for (const c of badCorefiles) {
    it(`exits 1 with file:line on ${c.name}`, async () => {
      const dir = tempDir({ Corefile: c.corefile });
      const r = await runKdns(['-conf', join(dir, 'Corefile'), '-dns.port', String(await freePort())]);
      expect(r.code).to.equal(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines, r.stderr).to.have.length(1);
      expect(lines[0]).to.include(`${join(dir, 'Corefile')}:${c.line}`);
      expect(lines[0]).to.include(c.fragment);
    });
  }

  it('exits 1 when the port is taken', async () => {
    const first = await startKdns('. {\n  whoami\n}\n');
    try {
      const dir = tempDir({ Corefile: '. {\n  whoami\n}\n' });
      const r = await runKdns(['-conf', join(dir, 'Corefile'), '-dns.port', String(first.port)]);
      expect(r.code).to.equal(1);
      expect(r.stderr).to.match(/cannot listen on .*EADDRINUSE/);
    } finally {
      await first.stop();
    }
  });

  it('reads ./Corefile when no -conf is given', async () => {
    const port = await freePort();
    const dir = tempDir({ Corefile: `example.org:${port} {\n  whoami\n}\n` });
    const proc = spawn(process.execPath, [MAIN], { cwd: dir, stdio: 'ignore' });
    try {
      let msg;
      for (let i = 0; i < 100 && !msg; i++) {
        msg = await query(port, 'example.org.', 'A', { timeoutMs: 100 }).catch(() => undefined);
      }
      expect(msg?.rcode).to.equal(Rcode.NOERROR);
    } finally {
      proc.kill();
    }
  });

  it('serves whoami and log on every name without any Corefile', async () => {
    const port = await freePort();
    const proc = spawn(process.execPath, [MAIN, '-dns.port', String(port)], { cwd: tempDir(), stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      let msg;
      for (let i = 0; i < 100 && !msg; i++) msg = await query(port, 'any.name.', 'A', { timeoutMs: 100 }).catch(() => undefined);
      expect(msg?.additional[0]).to.include({ name: 'any.name.', address: '127.0.0.1' });
      await new Promise((r) => setTimeout(r, 300));
      expect(out).to.include('"A IN any.name. udp');
    } finally {
      proc.kill();
    }
  });

  it('exits 0 on SIGTERM and on SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const k = await startKdns('. {\n  whoami\n}\n');
      expect(await k.stop(signal)).to.equal(0);
    }
  });
});
