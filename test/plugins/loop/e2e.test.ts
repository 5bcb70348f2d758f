// loop in real kdns processes: a server forwarding to itself, two servers
// forwarding to each other, a node resolv.conf naming 127.0.0.53 (in a network
// namespace of the test's own, where that address is this server): each stops
// with exit code 1 and a message naming the upstream. Without a loop it serves.

import { expect } from 'chai';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { query } from '../../support/dns.js';
import { Dnsmasq } from '../../support/dnsmasq.js';
import { freePort, MAIN, runKdns, startKdns } from '../../support/kdns.js';

function corefile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kdns-loop-'));
  writeFileSync(join(dir, 'Corefile'), text);
  return join(dir, 'Corefile');
}

const LOOP_MESSAGE = /Loop \(127\.0\.0\.1:\d+ -> :(\d+)\) detected for zone "\.", see https:\/\/coredns\.io\/plugins\/loop#troubleshooting\. Query: "HINFO \d+\.\d+\."/;

function canUnshare(): boolean {
  try {
    execFileSync('unshare', ['--net', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('loop end to end (kdns processes)', function () {
  this.timeout(30_000);

  it('a server forwarding to itself exits 1, naming the upstream', async () => {
    const port = await freePort();
    const conf = corefile(`. {\n  loop\n  forward . 127.0.0.1:${port}\n}\n`);
    const t0 = Date.now();
    const r = await runKdns(['-conf', conf, '-dns.port', String(port)], { timeoutMs: 20_000 });
    expect(r.code, r.stderr).to.equal(1);
    expect(r.stderr).to.match(LOOP_MESSAGE);
    expect(r.stderr).to.contain(`this server block forwards to 127.0.0.1:${port}`);
    expect(Date.now() - t0, 'detected at start').to.be.lessThan(10_000);
  });

  it('two servers forwarding to each other: the first to see its probe come back exits 1', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    const procs = [[p1, p2], [p2, p1]].map(([own, other]) => spawn(process.execPath,
      [MAIN, '-conf', corefile(`. {\n  loop\n  forward . 127.0.0.1:${other}\n}\n`), '-dns.port', String(own)],
      { stdio: ['ignore', 'ignore', 'pipe'] }));
    const stderr = procs.map(() => '');
    procs.forEach((p, i) => p.stderr!.on('data', (d: Buffer) => { stderr[i] += d.toString(); }));
    try {
      const [i, code] = await Promise.race(procs.map((p, i) => new Promise<[number, number | null]>((r) => p.once('exit', (c) => r([i, c])))));
      expect(code, stderr[i]).to.equal(1);
      expect(stderr[i]).to.match(LOOP_MESSAGE);
    } finally {
      // The other one may have seen its own probe come back too, or got SERVFAIL once its peer was gone (no loop then).
      for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    }
  });

  it('without a loop it keeps serving', async () => {
    const dm = await Dnsmasq.start({ args: ['--address=/example.test/192.0.2.1'] });
    const kdns = await startKdns(`. {\n  loop\n  forward . 127.0.0.1:${dm.port}\n}\n`, { probe: 'www.example.test.' });
    try {
      // The probe went upstream (dnsmasq refuses it: an answer, so no loop).
      const probes = (): number => dm.logged(/query\[HINFO\] \d+\.\d+ from/g);
      for (let i = 0; i < 100 && probes() === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(probes()).to.equal(1);
      expect((await query(kdns.port, 'www.example.test.', 'A')).answer).to.have.length(1);
      expect(kdns.proc.exitCode).to.equal(null);
    } finally {
      await kdns.stop();
      await dm.kill();
    }
  });

  describe('in a network namespace of its own', function () {
    before(function () {
      if (!canUnshare()) this.skip();
    });

    /** Runs `script` with bash in a new network namespace (loopback up) and returns its output. */
    function inNetns(script: string): Promise<{ code: number; out: string }> {
      return new Promise((resolve) => {
        execFile('unshare', ['--net', 'bash', '-c', `ip link set lo up\n${script}`], { timeout: 25_000 }, (err, stdout, stderr) => {
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, out: stdout + stderr });
        });
      });
    }

    it('a resolv.conf naming 127.0.0.53 (a node with systemd-resolved) is this server: exit 1 and say so', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kdns-loop-'));
      writeFileSync(join(dir, 'resolv.conf'), 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch .\n');
      writeFileSync(join(dir, 'Corefile'), `.:53 {\n  loop\n  forward . ${join(dir, 'resolv.conf')}\n}\n`);
      const { code, out } = await inNetns(`timeout 20 ${process.execPath} ${MAIN} -conf ${join(dir, 'Corefile')}; echo "exit=$?"`);
      expect(code).to.equal(0);
      expect(out).to.match(/exit=1$/m);
      expect(out).to.match(/Loop \(127\.0\.0\.1:\d+ -> :53\) detected for zone "\."/);
      expect(out).to.contain(`forwards to 127.0.0.53:53 (from ${join(dir, 'resolv.conf')})`);
    });

    it('`forward . resolv.conf` forwards to its nameservers (port 53)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'kdns-fwd-'));
      writeFileSync(join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\n');
      writeFileSync(join(dir, 'Corefile'), `.:1053 {\n  loop\n  forward . ${join(dir, 'resolv.conf')}\n}\n`);
      const { out } = await inNetns(`
dnsmasq --keep-in-foreground --no-resolv --no-hosts --conf-file=/dev/null --pid-file= --port=53 --listen-address=127.0.0.1 \\
  --bind-interfaces --address=/example.test/192.0.2.7 & dm=$!
${process.execPath} ${MAIN} -conf ${join(dir, 'Corefile')} > ${join(dir, 'kdns.log')} 2>&1 & k=$!
for i in $(seq 1 100); do dig +time=1 +tries=1 @127.0.0.1 -p 1053 www.example.test A +short 2>/dev/null | grep -q '^192' && break; sleep 0.1; done
dig @127.0.0.1 -p 1053 www.example.test A +short
kill $k $dm; wait`);
      expect(out).to.match(/^192\.0\.2\.7$/m);
    });
  });
});
