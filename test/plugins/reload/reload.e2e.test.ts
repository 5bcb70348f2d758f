// Reloading a running kdns while clients query it (SPEC §5 reload, §7 coredns#2339):
// the Corefile changes step by step under a query loop that must see no failure;
// ports and HTTP listeners that stay keep their sockets, new ones open, old ones
// close; an invalid Corefile keeps the old config and is logged with file:line;
// a ConfigMap-style update (a swapped symlink) is seen; SIGUSR1 reloads too.

import { expect } from 'chai';
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { Rcode, typeFromName } from '../../../src/dns/constants.js';
import { decodeMessage, type Message } from '../../../src/dns/decode.js';
import { buildQuery } from '../../../src/dns/query.js';
import { corefileHash } from '../../../src/server/reload.js';
import { frame, query } from '../../support/dns.js';
import { httpGet } from '../../support/http.js';
import { freePort, startKdns, type KdnsProcess } from '../../support/kdns.js';
import { scrape, value } from '../../support/metrics.js';
import { waitFor } from '../../support/k8s-api/wait.js';
import { QueryLoop } from '../../support/query-loop.js';
import { FIXTURE_YAML } from '../kubernetes/cluster.js';

/** One TCP connection kept open across reloads: queries on it prove the socket stayed. */
class TcpClient {
  private buf = Buffer.alloc(0);
  private waiting: ((m: Message) => void) | undefined;
  private constructor(private readonly sock: Socket) {
    sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      if (this.buf.length >= 2 && this.buf.length >= 2 + this.buf.readUInt16BE(0)) {
        const msg = decodeMessage(this.buf.subarray(2, 2 + this.buf.readUInt16BE(0)));
        this.buf = this.buf.subarray(2 + this.buf.readUInt16BE(0));
        this.waiting?.(msg);
      }
    });
  }

  static open(port: number): Promise<TcpClient> {
    return new Promise((resolve, reject) => {
      const sock = connect(port, '127.0.0.1', () => resolve(new TcpClient(sock)));
      sock.once('error', reject);
    });
  }

  query(qname: string, qtype: string): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer on the kept TCP connection for ${qname}`)), 3000);
      this.waiting = (m) => { clearTimeout(timer); resolve(m); };
      this.sock.write(frame(buildQuery(qname, typeFromName(qtype)!)));
    });
  }

  close(): void {
    this.sock.destroy();
  }
}

async function rcode(port: number, qname: string): Promise<number | 'none'> {
  try {
    return (await query(port, qname, 'A', { timeoutMs: 500 })).rcode;
  } catch {
    return 'none';
  }
}

async function listening(url: string): Promise<boolean> {
  try {
    await httpGet(url);
    return true;
  } catch {
    return false;
  }
}

interface Ports {
  metrics: number;
  health: number;
  extra: number;
}

function corefile(p: Ports, opts: { ttl?: number; whoami?: boolean; extraPort?: boolean; bogus?: boolean; metrics?: number } = {}): string {
  return `cluster.local {
  reload 1s 0s
${opts.bogus ? '  bogus\n' : ''}  prometheus 127.0.0.1:${opts.metrics ?? p.metrics}
  health 127.0.0.1:${p.health}
  kubernetes {
    fixture cluster.yaml${opts.ttl === undefined ? '' : `\n    ttl ${opts.ttl}`}
  }
}
${opts.whoami ? 'example.org {\n  whoami\n}\n' : ''}${opts.extraPort ? `example.net:${p.extra} {\n  whoami\n}\n` : ''}`;
}

describe('reload end to end (kdns process, Corefile changed under a query loop)', function () {
  this.timeout(60_000);
  let kdns: KdnsProcess;
  let ports: Ports;
  let loop: QueryLoop;
  let tcp: TcpClient;
  let corefilePath: string;
  const metricsUrl = (port = ports.metrics): string => `http://127.0.0.1:${port}/metrics`;

  before(async () => {
    ports = { metrics: await freePort(), health: await freePort(), extra: await freePort() };
    kdns = await startKdns(corefile(ports), { files: { 'cluster.yaml': FIXTURE_YAML }, probe: 'cluster.local.' });
    corefilePath = join(kdns.dir, 'Corefile');
    tcp = await TcpClient.open(kdns.port);
    loop = new QueryLoop(kdns.port, [
      { qname: 'kubernetes.default.svc.cluster.local.', qtype: 'A' },
      { qname: 'svc1.testns.svc.cluster.local.', qtype: 'A' },
      { qname: 'nope.testns.svc.cluster.local.', qtype: 'A' },
    ], { ok: (r, q) => (q.qname.startsWith('nope.') ? r === 'NXDOMAIN' : r.startsWith('NOERROR')) });
  });

  after(async () => {
    tcp?.close();
    await loop?.stop();
    await kdns?.stop('SIGKILL');
  });

  it('adds a zone and changes a kubernetes option, keeping the port\'s sockets', async () => {
    expect(await rcode(kdns.port, 'example.org.')).to.equal(Rcode.REFUSED);
    expect((await tcp.query('kubernetes.default.svc.cluster.local.', 'A')).answer[0]!.ttl).to.equal(5);
    const version = (text: string): Record<string, string> => ({ hash: 'sha512', value: corefileHash(text) });
    const [oldText, newText] = [corefile(ports), corefile(ports, { ttl: 30, whoami: true })];
    expect(value(await scrape(metricsUrl()), 'coredns_reload_version_info', version(oldText))).to.equal(1);
    writeFileSync(corefilePath, newText);
    await waitFor(async () => (await rcode(kdns.port, 'example.org.')) === Rcode.NOERROR, 'the whoami zone answers');
    // The connection opened before the reload is served by the new config.
    expect((await tcp.query('kubernetes.default.svc.cluster.local.', 'A')).answer[0]!.ttl).to.equal(30);
    expect((await query(kdns.port, 'kubernetes.default.svc.cluster.local.', 'A')).answer[0]!.ttl).to.equal(30);
    const s = await scrape(metricsUrl());
    expect(value(s, 'coredns_reload_version_info', version(newText))).to.equal(1);
    expect(s.has(`coredns_reload_version_info{hash="sha512",value="${corefileHash(oldText)}"}`)).to.equal(false);
    expect(kdns.stdout()).to.contain('Reloading complete');
  });

  it('keeps the running config when the new Corefile is invalid, and logs file:line once', async () => {
    const url = metricsUrl();
    expect(value(await scrape(url), 'coredns_reload_failed_total')).to.equal(0);
    writeFileSync(corefilePath, corefile(ports, { ttl: 30, whoami: true, bogus: true }));
    await waitFor(() => kdns.stdout().includes('reload failed'), 'the failure is logged');
    expect(kdns.stdout()).to.contain(`${corefilePath}:3 - Error during parsing: Unknown directive 'bogus'`);
    expect(await rcode(kdns.port, 'example.org.')).to.equal(Rcode.NOERROR);
    // The same broken text is neither retried nor logged again.
    await new Promise((r) => setTimeout(r, 2500));
    expect(kdns.stdout().split('reload failed').length - 1).to.equal(1);
    expect(value(await scrape(url), 'coredns_reload_failed_total')).to.equal(1);
  });

  it('opens a new port and moves the metrics listener; the health listener stays', async () => {
    const moved = await freePort();
    const queriesBefore = value(await scrape(metricsUrl()), 'coredns_dns_requests_total',
      { server: `dns://:${kdns.port}`, zone: 'cluster.local.', view: '', proto: 'udp', family: '1', type: 'A' });
    writeFileSync(corefilePath, corefile(ports, { ttl: 30, whoami: true, extraPort: true, metrics: moved }));
    await waitFor(async () => (await rcode(ports.extra, 'example.net.')) === Rcode.NOERROR, 'the new port answers');
    await waitFor(async () => !(await listening(metricsUrl())), 'the old metrics address closes');
    const s = await scrape(metricsUrl(moved));
    // Counters carry on across reloads (as CoreDNS's, which are process-wide).
    expect(value(s, 'coredns_dns_requests_total',
      { server: `dns://:${kdns.port}`, zone: 'cluster.local.', view: '', proto: 'udp', family: '1', type: 'A' })).to.be.greaterThan(queriesBefore);
    expect(value(s, 'coredns_plugin_enabled', { server: `dns://:${ports.extra}`, zone: 'example.net.', view: '', name: 'whoami' })).to.equal(0);
    expect(value(s, 'coredns_plugin_enabled', { server: `dns://:${kdns.port}`, zone: 'cluster.local.', view: '', name: 'kubernetes' })).to.equal(1);
    expect(await httpGet(`http://127.0.0.1:${ports.health}/health`)).to.deep.equal({ status: 200, body: 'OK' });
    ports.metrics = moved;
  });

  it('sees a ConfigMap update (kubelet swaps the ..data symlink) and closes a port no longer configured', async () => {
    // The layout kubelet makes: Corefile -> ..data/Corefile, ..data -> a timestamped directory.
    const v1 = join(kdns.dir, '..2024_01_01_00_00_00.1');
    mkdirSync(v1);
    writeFileSync(join(v1, 'Corefile'), corefile(ports, { ttl: 30, whoami: true, extraPort: true }));
    symlinkSync('..2024_01_01_00_00_00.1', join(kdns.dir, '..data'));
    symlinkSync('..data/Corefile', join(kdns.dir, 'Corefile.new'));
    renameSync(join(kdns.dir, 'Corefile.new'), corefilePath);
    // The update: a new directory, then ..data swapped to it in one rename.
    const v2 = join(kdns.dir, '..2024_01_01_00_01_00.2');
    mkdirSync(v2);
    writeFileSync(join(v2, 'Corefile'), corefile(ports, { ttl: 30, whoami: true }));
    symlinkSync('..2024_01_01_00_01_00.2', join(kdns.dir, '..data_tmp'));
    renameSync(join(kdns.dir, '..data_tmp'), join(kdns.dir, '..data'));
    await waitFor(async () => (await rcode(ports.extra, 'example.net.')) === 'none', 'the extra port closes');
    expect(await rcode(kdns.port, 'example.org.')).to.equal(Rcode.NOERROR);
  });

  it('reloads on SIGUSR1, changed or not', async () => {
    const count = (): number => kdns.stdout().split('Reloading complete').length - 1;
    const n = count();
    kdns.proc.kill('SIGUSR1');
    await waitFor(() => count() === n + 1, 'a reload');
  });

  it('failed no query while all this happened', async () => {
    const { outcomes, failed } = await loop.stop();
    console.log(`      ${outcomes.length} queries (UDP and TCP) across the reloads, ${failed.length} failed`);
    expect(failed.map((o) => `${o.q.qname} ${o.tcp ? 'tcp' : 'udp'} at ${o.sentAt} ms: ${o.result}`)).to.deep.equal([]);
    expect(outcomes.length).to.be.greaterThan(100);
  });
});
